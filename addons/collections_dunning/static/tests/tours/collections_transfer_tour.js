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
