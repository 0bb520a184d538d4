import {formatDate} from "@web/core/l10n/dates";
import {registry} from "@web/core/registry";

/*
 * A collections manager approves a penal-charge waiver that another manager
 * asked for, then opens each Collections report.
 *
 * The same steps run on a desktop and on a phone: a menu is opened either from
 * its section in the top bar (desktop) or from the app's side menu behind the
 * "bars" button (phone); only one of the two exists on a given screen.
 */

function openMenu(sectionXmlid, menuXmlid, label) {
    return [
        {
            content: `Open the menu that holds ${label}`,
            trigger: `.o_menu_sections button[data-menu-xmlid='${sectionXmlid}'], .o_menu_toggle`,
            run: "click",
        },
        {
            content: `Choose ${label}`,
            trigger: `.dropdown-item[data-menu-xmlid='${menuXmlid}'], .o_app_menu_sidebar li[data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
    ];
}

/* The current action's title: in the control panel (desktop) or the top bar (phone). */
function inAction(title, selector) {
    return `body:has(.o_last_breadcrumb_item:contains('${title}')) ${selector}`;
}

function openReport(menuXmlid, title, viewClass, contents) {
    return [
        ...openMenu("helpdesk_mgmt.helpdesk_ticket_reporting_menu", menuXmlid, title),
        {
            content: `${title} shows its figures`,
            trigger: contents
                .map((content) => inAction(title, `.${viewClass} ${content}`))
                .join(", "),
        },
    ];
}

const WAIVER_ROW =
    ".o_field_widget[name='penal_waiver_ids'] .o_data_row:contains('Hospitalised in May')";

registry.category("web_tour.tours").add("collections_dunning_manager", {
    steps: () => [
        ...openMenu(
            "collections_dunning.menu_collections_root",
            "collections_dunning.menu_collection_cases",
            "Overdue Cases"
        ),
        {
            content: "Open the case of the customer",
            trigger: inAction(
                "Overdue Cases",
                ".o_kanban_view .o_kanban_record:contains('Tour Household 42')"
            ),
            run: "click",
        },
        {
            content: "The case opens: go to its Overdue page",
            trigger: inAction(
                "Tour Household 42",
                ".o_form_view .o_notebook_headers .nav-link:contains('Overdue')"
            ),
            run: "click",
        },
        {
            content: "The penal charges due before the waiver",
            trigger: ".o_form_view div[name='penal_balance']:contains('200.00')",
        },
        {
            content: "Approve the waiver another manager asked for",
            trigger: `${WAIVER_ROW}:contains('Rita Requester'):contains('To Approve') button[name='action_approve']`,
            run: "click",
        },
        {
            content: "The waiver is approved, by me",
            trigger: `${WAIVER_ROW}:contains('Approved'):contains('Arjun Approver'):not(:has(button[name='action_approve']))`,
        },
        {
            content: "The penal charges due fell by the waiver",
            trigger: ".o_form_view div[name='penal_balance']:contains('50.00')",
        },
        ...openReport(
            "collections_dunning.menu_report_dashboard",
            "Collections Dashboard",
            "o_graph_view",
            [".o_graph_renderer canvas"]
        ),
        ...openReport(
            "collections_dunning.menu_report_aging",
            "Aging and Outstanding",
            "o_pivot_view",
            [".o_pivot table:contains('Agent follow-up')"]
        ),
        ...openReport(
            "collections_dunning.menu_report_efficiency",
            "Collection Efficiency",
            "o_list_view",
            [".o_list_renderer .o_data_row"]
        ),
        ...openMenu(
            "helpdesk_mgmt.helpdesk_ticket_reporting_menu",
            "collections_dunning.menu_report_roll_rates",
            "Roll Rates"
        ),
        {
            content: "Roll rates from a week ago",
            trigger: ".modal .o_form_view div[name='date_from'] input",
            run: `edit ${formatDate(luxon.DateTime.local().minus({days: 7}))} && press Enter`,
        },
        {
            content: "Compute the roll rates",
            trigger: ".modal .modal-footer button[name='action_compute']",
            run: "click",
        },
        {
            content: "The case stayed in its bucket over the week",
            trigger: ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('L2')",
        },
        {
            content: "Close the roll rates",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "The roll rates are closed",
            trigger: "body:not(:has(.modal))",
        },
        ...openReport(
            "collections_dunning.menu_report_promises",
            "Promise-Kept Rate",
            "o_pivot_view",
            [".o_pivot table", ".o_view_nocontent"]
        ),
        ...openReport(
            "collections_dunning.menu_report_agents",
            "Agent Performance",
            "o_pivot_view",
            [".o_pivot table", ".o_view_nocontent"]
        ),
        ...openReport(
            "collections_dunning.menu_report_sla",
            "Callback SLA",
            "o_list_view",
            [".o_list_renderer", ".o_view_nocontent"]
        ),
    ],
});
