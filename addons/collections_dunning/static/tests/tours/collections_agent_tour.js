import {registry} from "@web/core/registry";

const {DateTime} = luxon;

/*
 * A collection agent's day on one case: from the Overdue Cases Kanban to a
 * case the daily run opened, a contact logged status -> reason -> resolution
 * with a promise to pay, a payment plan, and a payment link sent.
 * The same steps run on a desktop and on a phone.
 */
const isPhone = () => window.matchMedia("(max-width: 767.98px)").matches;

/* Choose a value of a many2one in the dialog: a dropdown on a desktop, a
 * search dialog on a phone. */
function pickInDropdown(field, text) {
    const choose = isPhone()
        ? [
              {
                  content: `Open the choices of ${field}`,
                  trigger: `.modal div[name='${field}'] input`,
                  run: "click",
              },
              {
                  content: `Choose ${text}`,
                  trigger: `.modal .o_kanban_record:contains('${text}')`,
                  run: "click",
              },
          ]
        : [
              {
                  content: `Type ${text} in ${field}`,
                  trigger: `.modal div[name='${field}'] input`,
                  run: `edit ${text}`,
              },
              {
                  content: `Choose ${text}`,
                  trigger: `.o-autocomplete--dropdown-menu .dropdown-item:contains('${text}')`,
                  run: "click",
              },
          ];
    return [
        ...choose,
        {
            content: `${field} reads ${text}`,
            trigger: `.modal div[name='${field}'] input:value('${text}')`,
        },
    ];
}

/* Click a button of a form's header (the case's, or a dialog's with
 * scope ".modal"): on a phone all but the first one sit in the "More" menu. */
function clickHeaderButton(name, content, scope = "body:not(:has(.modal)) .o_form_view") {
    if (!isPhone()) {
        return [{content, trigger: `${scope} button[name='${name}']`, run: "click"}];
    }
    return [
        {
            content: "Open the other actions",
            trigger: `${scope} .o_statusbar_buttons button[title='More']`,
            run: "click",
        },
        // the menu is drawn over the dialog, outside it
        {content, trigger: `body .o-dropdown--menu button[name='${name}']`, run: "click"},
    ];
}

registry.category("web_tour.tours").add("collections_dunning_agent", {
    steps: () => [
        {
            content: "The Overdue Cases Kanban shows the buckets",
            trigger: ".o_kanban_view .o_kanban_group .o_column_title:contains('1-6 days')",
        },
        {
            content: "Open the case the daily run opened",
            trigger: ".o_kanban_record:contains('Lending Household 42')",
            run: "click",
        },
        {
            content: "The case form shows the overdue amount",
            trigger: ".o_form_view div[name='partner_id'] input:value('Lending Household 42')",
        },
        {
            content: "Log a contact",
            trigger: ".o_form_view button[name='action_log_contact']",
            run: "click",
        },
        {
            content: "The Log Contact dialog opens on this case",
            trigger: ".modal .o_form_view div[name='ticket_id']:contains('Overdue: Lending Household 42')",
        },
        ...pickInDropdown("status_id", "Contacted"),
        ...pickInDropdown("reason_id", "Promise to Pay"),
        ...pickInDropdown("resolution_id", "Payment Scheduled"),
        {
            content: "The promised amount is asked for",
            trigger: ".modal div[name='promise_amount'] input",
            run: "edit 400",
        },
        {
            content: "The promised date is asked for",
            trigger: ".modal div[name='promise_date'] input",
            run: `edit ${DateTime.now().plus({days: 5}).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "Note what the customer said",
            trigger: ".modal div[name='note'] textarea",
            run: "edit Salary comes on Friday, will pay 400 then",
        },
        {
            content: "Log it",
            trigger: ".modal .modal-footer button:contains('Log')",
            run: "click",
        },
        {
            content: "Back on the case, open its interactions",
            trigger: "body:not(:has(.modal)) .o_form_view .o_notebook a.nav-link:contains('Interactions')",
            run: "click",
        },
        {
            content: "The dialog closes and the promise shows on the case",
            trigger: "body:not(:has(.modal)) .o_form_view div[name='promise_ids'] .o_data_row:contains('400')",
        },
        {
            content: "The interaction is in the case's list",
            trigger:
                ".o_form_view div[name='interaction_ids'] .o_data_row:contains('Payment Scheduled'), " +
                ".o_form_view div[name='interaction_ids'] .o_kanban_record:contains('Payment Scheduled')",
        },
        ...clickHeaderButton("action_new_payment_plan", "Offer a payment plan"),
        {
            content: "Three instalments",
            trigger: ".modal div[name='instalment_count'] input",
            run: "edit 3",
        },
        {
            content: "Compute the instalments",
            trigger: ".modal button[name='action_compute_instalments']",
            run: "click",
        },
        {
            content: "Three instalments are listed",
            trigger: ".modal div[name='line_ids'] .o_data_row:nth-child(3)",
        },
        ...clickHeaderButton("action_activate", "Start the plan", ".modal"),
        {
            content: "The plan is running on the case",
            trigger: "body:not(:has(.modal)) .o_form_view div[name='payment_plan_ids'] .o_data_row:contains('Running')",
        },
        ...clickHeaderButton("action_send_payment_link", "Send a payment link"),
        {
            content: "The link to pay is in the case's messages",
            trigger: ".o-mail-Message:contains('You can pay your overdue invoices online')",
        },
    ],
});
