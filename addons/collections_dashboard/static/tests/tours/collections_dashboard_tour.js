import {registry} from "@web/core/registry";

// The collections manager opens the Collections dashboard: it loads without error
// and draws its charts (on a phone, the dashboard shows its charts only).
registry.category("web_tour.tours").add("collections_dashboard_manager", {
    steps: () => [
        {
            content: "The Collections dashboard is open",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer, .o_spreadsheet_dashboard_action .o_mobile_dashboard",
        },
        {
            content: "Its charts are drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
        },
        {
            content: "Nothing failed to load",
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status))",
        },
    ],
});
