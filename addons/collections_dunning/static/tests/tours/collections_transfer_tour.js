import {registry} from "@web/core/registry";

/*
 * A support agent opens a payment ticket, types the customer's Purifier ID,
 * transfers the ticket and sees it marked as a Collections ticket.
 */
registry.category("web_tour.tours").add("collections_dunning_transfer", {
    steps: () => [
        {
            content: "The ticket form shows the Purifier ID",
            trigger: ".o_form_view div[name='purifier_id'] input",
            run: "edit PUR-654321",
        },
        {
            content: "Transfer the ticket",
            trigger: ".o_form_view button[name='action_transfer_to_collections']",
            run: "click",
        },
        {
            content: "The customer is promised a callback",
            trigger: ".modal .alert:contains('call back within')",
        },
        {
            content: "Say why it is a payment matter",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Card declined twice, customer wants to pay today",
        },
        {
            content: "Confirm the transfer",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The ticket now belongs to Collections",
            trigger: ".o_form_view .ribbon:contains('Collections')",
        },
    ],
});

/*
 * A support agent tries to transfer a technical ticket: Collections refuses it
 * with the reason, and the ticket stays with Support.
 */
registry.category("web_tour.tours").add("collections_dunning_transfer_refused", {
    steps: () => [
        {
            content: "Try to transfer the Wi-Fi ticket",
            trigger: ".o_form_view button[name='action_transfer_to_collections']",
            run: "click",
        },
        {
            content: "Collections refuses it: not a payment matter",
            trigger: ".modal:contains('is not a payment matter')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "The ticket is still a Support ticket",
            trigger: "body:not(:has(.modal)) .o_form_view:not(:has(.ribbon:contains('Collections')))",
        },
    ],
});
