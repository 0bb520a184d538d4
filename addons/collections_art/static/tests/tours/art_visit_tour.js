import {registry} from "@web/core/registry";

/* An officer on a phone opens a visit, checks in, sets the outcome and saves. */
registry.category("web_tour.tours").add("collections_art_visit_mobile", {
    steps: () => [
        {
            content: "Check in from the phone",
            trigger: ".o_art_checkin:not([disabled])",
            run: "click",
        },
        {
            content: "The check-in is recorded, with or without a position",
            trigger: ".alert-success:contains('Checked in')",
        },
        {
            content: "The customer is not there",
            trigger: "div[name='outcome'] input[data-value='not_available']",
            run: "click",
        },
        {
            content: "Note what the neighbours said",
            trigger: "div[name='neighbours_info'] textarea",
            run: "edit Neighbour says the family is away until Sunday",
        },
        {
            content: "Close the visit",
            trigger: "button[name='action_done']",
            run: "click",
        },
        {
            content: "The visit is closed and a follow-up visit is planned",
            trigger: ".o_form_view div[name='follow_up_visit_id']",
        },
    ],
});
