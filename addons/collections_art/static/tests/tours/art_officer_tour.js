import {inputFiles} from "@web/../tests/utils";
import {registry} from "@web/core/registry";

/*
 * An Asset Recovery officer's main flow, on a desktop and on a phone: from the
 * Helpdesk menus to a case Collections handed over, validated; a visit planned,
 * checked in, photographed and closed with its outcome; a legal notice sent and
 * its 15-day window counting down on the case and in the Legal Notices menu.
 */
const CUSTOMER = "Household 88";
const ADDRESS = "88 Temple Street, Bengaluru 560001, India";
const HELPDESK = "helpdesk_mgmt.helpdesk_ticket_main_menu";
const ART_ROOT = "collections_art.menu_art_root";

function openHelpdesk() {
    return [
        {
            isActive: ["desktop"],
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Open Helpdesk",
            trigger: `.o-dropdown--menu .o_app[data-menu-xmlid='${HELPDESK}']`,
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Helpdesk is open",
            trigger: ".o_main_navbar .o_menu_brand:contains('Helpdesk')",
        },
        {
            isActive: ["mobile"],
            content: "Open the menu",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Show all apps",
            trigger: ".o_app_menu_sidebar .o_sidebar_topbar a.btn-primary",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Open Helpdesk",
            trigger: `.o_app_menu_sidebar .o_app[data-menu-xmlid='${HELPDESK}']`,
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "The menu closes on Helpdesk",
            trigger: "body:not(:has(.o_app_menu_sidebar))",
        },
    ];
}

/** Asset Recovery > `name`: the navbar on a desktop, the burger menu on a phone. */
function openArtMenu(xmlid, name) {
    return [
        {
            isActive: ["desktop"],
            content: "Open the Asset Recovery menu",
            trigger: `.o_menu_sections button[data-menu-xmlid='${ART_ROOT}']`,
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: `Open ${name}`,
            trigger: `.o-dropdown--menu .dropdown-item[data-menu-xmlid='${xmlid}']`,
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Open the menu",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "The Helpdesk menu lists Asset Recovery",
            trigger: `.o_app_menu_sidebar [data-menu-xmlid='${ART_ROOT}']:contains('Asset Recovery')`,
        },
        {
            isActive: ["mobile"],
            content: `Open ${name}`,
            trigger: `.o_app_menu_sidebar li[data-menu-xmlid='${xmlid}']`,
            run: "click",
        },
        {
            content: `${name} is open`,
            trigger: `.o_last_breadcrumb_item:contains('${name}')`,
        },
    ];
}

/** Click a button of the form's header; a phone keeps all but the first in "More". */
function clickHeaderButton(name, content) {
    const button = `button[name='${name}']:enabled`;
    return [
        {
            isActive: ["mobile"],
            content: `Find ${name} among the header buttons`,
            trigger: ".o_form_view .o_form_statusbar .o_statusbar_buttons",
            async run({queryFirst, click}) {
                const more = queryFirst(".o_statusbar_buttons button:has(.oi-ellipsis-v)");
                if (more && !queryFirst(`.o_statusbar_buttons > ${button}`)) {
                    await click(more);
                }
            },
        },
        {
            content,
            trigger: `.o_form_view .o_statusbar_buttons ${button}, .o-dropdown--menu ${button}`,
            run: "click",
        },
    ];
}

function stageIs(stage) {
    return {
        content: `The case is at ${stage}`,
        trigger:
            `.o_form_view .o_statusbar_status button.o_arrow_button_current:contains('${stage}'), ` +
            `.o_form_view .o_statusbar_status button.dropdown-toggle:contains('${stage}')`,
    };
}

/** A line of a list (desktop) or a card of a Kanban (phone) matching `text`. */
function row(scope, text) {
    return [".o_data_row", ".o_kanban_record"]
        .map((item) => `${scope} ${item}${text.map((t) => `:contains('${t}')`).join("")}`)
        .join(", ");
}

function noErrorDialog() {
    return {
        content: "No error dialog",
        trigger: "body:not(:has(.o_error_dialog, .o_dialog .modal-title:contains('Error')))",
    };
}

registry.category("web_tour.tours").add("collections_art_officer", {
    steps: () => [
        ...openHelpdesk(),
        ...openArtMenu("collections_art.menu_art_cases", "Asset Recovery Cases"),

        // 1. The case handed over from Collections: validate it
        {
            content: "Open the case handed over from Collections",
            trigger: `.o_kanban_record:contains('Asset recovery: ${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The case form opens on the customer",
            trigger: `.o_form_view .o_field_widget[name='partner_id']:contains('${CUSTOMER}'), .o_form_view .o_field_widget[name='partner_id'] input:value('${CUSTOMER}')`,
        },
        stageIs("Received"),
        ...clickHeaderButton("action_art_validate", "Validate the case"),
        noErrorDialog(),
        // notified once the email or the WhatsApp message actually goes out
        stageIs("Validated"),
        {
            content: "Open the Asset Recovery tab",
            trigger: ".o_form_view .o_notebook .nav-link[name='art']",
            run: "click",
        },
        {
            content: "The case shows the collection case it came from",
            trigger: `.o_form_view div[name='art_source_ticket_id']:contains('Overdue: ${CUSTOMER}')`,
        },
        {
            content: "The validation date shows",
            trigger: ".o_form_view div[name='art_validated_date'] span:not(:empty)",
        },
        {
            content: "The officer is the validator",
            trigger: ".o_form_view div[name='art_validated_by_id']:contains('Asha Officer')",
        },

        // 2. Plan a visit and record it
        ...clickHeaderButton("action_art_schedule_visit", "Plan a visit"),
        noErrorDialog(),
        {
            content: "The visit form shows the customer's address, without stray commas",
            trigger: `.o_art_visit_form div[name='address']:text(${ADDRESS})`,
        },
        {
            content: "Check in at the customer's",
            trigger: ".o_art_visit_form .o_art_checkin:not([disabled])",
            run: "click",
        },
        {
            content: "The check-in is recorded, with or without a position",
            trigger: ".o_art_visit_form .alert-success:contains('Checked in')",
        },
        {
            content: "Take a photo of the door",
            trigger: ".o_art_visit_form .o_art_photos .o_attach",
            async run() {
                const photo = new File(["\x89PNG\r\n\x1a\n door"], "door.png", {
                    type: "image/png",
                });
                await inputFiles(".o_art_visit_form .o_art_photos input.o_input_file", [photo]);
            },
        },
        {
            content: "The photo is attached",
            trigger:
                ".o_art_visit_form .o_art_photos .o_attachment[title='door.png']:not(.o_attachment_uploading)",
        },
        {
            content: "The customer was met and promised to pay",
            trigger: ".o_art_visit_form div[name='outcome'] input[data-value='met_promised']",
            run: "click",
        },
        {
            content: "Note what was agreed",
            trigger: ".o_art_visit_form div[name='note'] textarea",
            run: "edit Promised to pay on Friday",
        },
        ...clickHeaderButton("action_done", "Close the visit"),
        noErrorDialog(),
        {
            content: "The visit is done",
            trigger:
                ".o_art_visit_form .o_statusbar_status button.o_arrow_button_current:contains('Done'), " +
                ".o_art_visit_form .o_statusbar_status button.dropdown-toggle:contains('Done')",
        },
        {
            content: "The outcome is kept",
            trigger: ".o_art_visit_form div[name='outcome'] input[data-value='met_promised']:checked",
        },
        {
            content: "The photo stays on the closed visit",
            trigger: ".o_art_visit_form .o_attachment[title='door.png']",
        },
        {
            content: "Back to the case",
            trigger: ".o_back_button",
            run: "click",
        },
        stageIs("Visited"),
        {
            content: "The visit is on the case",
            trigger: row(".o_form_view div[name='art_visit_ids']", ["Met and promised"]),
        },

        // 3. The legal notice and its 15-day window
        ...clickHeaderButton("action_art_send_legal_notice", "Send the legal notice"),
        {
            content: "Confirm sending it",
            trigger: ".modal:contains('Send the legal notice') .modal-footer .btn-primary",
            run: "click",
        },
        noErrorDialog(),
        stageIs("Legal"),
        {
            // The window starts when the email leaves (the mail queue's run,
            // checked by the test after the tour), not when it is queued.
            content: "The notice is on the case, issued, its email queued",
            trigger:
                ".o_form_view div[name='art_notice_ids'] .o_data_row:contains('Issued, Email Queued'):contains('Queued'), " +
                ".o_form_view div[name='art_notice_ids'] .o_kanban_record:contains('Issued, Email Queued')",
        },
        ...openArtMenu("collections_art.menu_art_notices", "Legal Notices"),
        {
            content: "The Legal Notices list shows the notice waiting for its email",
            trigger: `.o_list_view .o_data_row:contains('${CUSTOMER}'):contains('Issued, Email Queued')`,
        },
        ...openArtMenu("collections_art.menu_art_visits", "Field Visits"),
        {
            content: "The visit's card shows the address and the outcome",
            trigger: `.o_kanban_record:contains('${CUSTOMER}'):contains('${ADDRESS}'):contains('Met and promised')`,
        },
    ],
});
