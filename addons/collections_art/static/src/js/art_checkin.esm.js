import {Component} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useService} from "@web/core/utils/hooks";

/**
 * Big "Check in" button of a field visit: asks the phone for its position and
 * records it. A refused or unavailable position is recorded too, not fatal.
 */
export class ArtCheckin extends Component {
    static template = "collections_art.ArtCheckin";
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
    }

    locate() {
        return new Promise((resolve) => {
            if (!navigator.geolocation) {
                resolve({status: "unavailable"});
                return;
            }
            navigator.geolocation.getCurrentPosition(
                (position) =>
                    resolve({
                        status: "captured",
                        latitude: position.coords.latitude,
                        longitude: position.coords.longitude,
                    }),
                (error) => resolve({status: error.code === 1 ? "denied" : "unavailable"}),
                {enableHighAccuracy: true, timeout: 5000, maximumAge: 60000}
            );
        });
    }

    async onClick() {
        const record = this.props.record;
        if (!(await record.save())) {
            return;
        }
        const position = await this.locate();
        await this.orm.call("collection.art.visit", "action_check_in", [[record.resId]], {
            latitude: position.latitude ?? null,
            longitude: position.longitude ?? null,
            geo_status: position.status,
        });
        await record.load();
    }
}

registry.category("view_widgets").add("art_checkin", {component: ArtCheckin});
