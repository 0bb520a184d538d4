from datetime import timedelta

from odoo import fields, models


class CollectionPartnerFlags(models.AbstractModel):
    """The unreachable and uncooperative flags of a customer, per company, and
    the seed rules that set them: one method per rule, each run as one grouped
    query over all the customers at once. Mixed into ``res.partner``."""

    _name = "collection.partner.flags"
    _description = "Collection Customer Flags"

    def _collection_update_flags(self, company=None):
        """Set the unreachable and uncooperative flags of ``company`` from its logged
        contacts, promises and reminders, in a handful of grouped queries (one per
        seed rule). Without a company: for each company in which these customers
        have a collection case."""
        partners = self.commercial_partner_id
        if not partners:
            return
        if company is None:
            for case_company, case_partners in partners._collection_case_companies():
                case_partners._collection_update_flags(case_company)
            return
        partners = partners.with_company(company)
        uncooperative = (
            partners._collection_refused_to_pay(company)
            | partners._collection_claimed_false_payment(company)
            | partners._collection_broke_promises(company)
        )
        since = fields.Datetime.now() - timedelta(days=company.collection_unreachable_days)
        unreachable = partners._collection_unanswered_on_each_channel(
            company, since
        ) & partners._collection_unanswered_co_subscribers(company, since)
        partners._collection_write_flags(company, unreachable, uncooperative)

    def _collection_may_change_flags(self, company):
        """The customers (commercial partners) among these whose flags in
        ``company`` the rules above may change: those flagged now, those a rule
        makes uncooperative, and those with an outbound attempt (a logged contact
        or a reminder) within the unreachable window. Every rule needs one of
        these (the company's thresholds are at least 1), so for the others the
        rules say *not flagged*, which they already are: the daily run need not
        look at them (issue 13). A few grouped queries for any number of
        customers."""
        partners = self.with_company(company)  # commercial partners (the run's customers)
        if not partners:
            return partners
        flagged = partners.search(
            [
                ("id", "in", partners.ids),
                "|",
                ("collection_unreachable", "=", True),
                ("collection_uncooperative", "=", True),
            ]
        )
        since = fields.Datetime.now() - timedelta(days=company.collection_unreachable_days)
        attempted = {
            partner_id
            for partner_id, _channel in self.env["collection.interaction"]._attempts_since(
                partners, since, company=company
            )
        }
        uncooperative = (
            partners._collection_refused_to_pay(company)
            | partners._collection_claimed_false_payment(company)
            | partners._collection_broke_promises(company)
        )
        return flagged | partners.browse(sorted(attempted | uncooperative))

    def _collection_partner_owned_fields(self):
        """Rule: the unreachable and uncooperative flags follow the seed rules below
        from what was logged, never a hand edit (raising one hands the customer
        over or sends field visits)."""
        how = self.env._("the flags are set by the daily run from the logged contacts and promises")
        return {
            **super()._collection_partner_owned_fields(),
            "collection_unreachable": how,
            "collection_uncooperative": how,
        }

    def _collection_case_companies(self):
        """[(company, partners)] of the companies in which these customers have a
        collection case."""
        cases = (
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [
                    ("commercial_partner_id", "in", self.ids),
                    ("is_collection_ticket", "=", True),
                ],
                ["company_id"],
                ["commercial_partner_id:recordset"],
            )
        )
        return [(company, partners) for company, partners in cases if company]

    def _collection_partners_with_disposition(self, company, flag):
        """Ids of these customers with a logged contact of ``company`` whose reason
        or resolution carries ``flag`` (a disposition's ``marks_*`` boolean)."""
        domain = [
            ("partner_id", "in", self.ids),
            ("company_id", "=", company.id),
            "|",
            (f"reason_id.{flag}", "=", True),
            (f"resolution_id.{flag}", "=", True),
        ]
        Interaction = self.env["collection.interaction"].sudo()
        return {
            partner.id
            for partner, _count in Interaction._read_group(domain, ["partner_id"], ["__count"])
        }

    def _collection_refused_to_pay(self, company):
        """Seed rule "uncooperative: explicitly refused to pay": a logged contact
        whose disposition marks a refusal makes the customer uncooperative."""
        return self._collection_partners_with_disposition(company, "marks_refusal")

    def _collection_claimed_false_payment(self, company):
        """Seed rule "uncooperative: claimed a payment that was verified not to
        exist": a logged contact whose disposition marks a false claim."""
        return self._collection_partners_with_disposition(company, "marks_false_claim")

    def _collection_broke_promises(self, company):
        """Seed rule "uncooperative: broke N promises" (N = the company's
        ``collection_broken_promises``): counted over all the customer's broken
        promises in the company."""
        rows = (
            self.env["collection.promise"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "broken"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        broken = {partner.id: count for partner, count in rows}
        return {
            partner.id
            for partner in self
            if broken.get(partner.id, 0) >= company.collection_broken_promises
        }

    def _collection_unanswered_on_each_channel(self, company, since):
        """Seed rule "unreachable after N attempts on each channel within D days"
        (N = ``collection_unreachable_attempts``, D = ``collection_unreachable_days``,
        e.g. 3 attempts within 20 days): at least N outbound attempts by WhatsApp,
        by email and by call since ``since``, and no contact made nor any inbound
        message in that time."""
        Interaction = self.env["collection.interaction"].sudo()
        attempts = Interaction._attempts_since(self, since, company=company)
        reached = {
            partner.id
            for (partner,) in Interaction._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "=", company.id),
                    ("date", ">=", since),
                    "|",
                    ("is_contact", "=", True),
                    ("direction", "=", "inbound"),
                ],
                ["partner_id"],
            )
        }
        needed = company.collection_unreachable_attempts
        return {
            partner.id
            for partner in self
            if partner.id not in reached
            and all(
                attempts.get((partner.id, channel), 0) >= needed
                for channel in ("whatsapp", "email", "call")
            )
        }

    def _collection_unanswered_co_subscribers(self, company, since):
        """Seed rule "unreachable ... and co-subscriber attempts": a customer with
        co-subscriber references is unreachable only once N outbound attempts were
        made on those references too within the window. Returns the ids of these
        customers that pass (those without co-subscribers always do)."""
        co_subscribers = {
            partner.id
            for (partner,) in self.env["collection.reference"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "in", [company.id, False]),
                    ("is_co_subscriber", "=", True),
                ],
                ["partner_id"],
            )
        }
        co_attempts = {
            partner.id: count
            for partner, count in self.env["collection.interaction"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "=", company.id),
                    ("date", ">=", since),
                    ("direction", "=", "outbound"),
                    ("reference_id.is_co_subscriber", "=", True),
                ],
                ["partner_id"],
                ["__count"],
            )
        }
        needed = company.collection_unreachable_attempts
        return {
            partner.id
            for partner in self
            if partner.id not in co_subscribers or co_attempts.get(partner.id, 0) >= needed
        }

    def _collection_write_flags(self, company, unreachable, uncooperative):
        """Write the flags of ``company`` ({partner ids} of each) where they
        changed, one write per combination."""
        flags = {}
        for partner in self:
            key = (partner.id in unreachable, partner.id in uncooperative)
            flags.setdefault(key, self.browse())
            flags[key] |= partner
        raised_unreachable, raised_uncooperative = set(), set()
        for (is_unreachable, is_uncooperative), group in flags.items():
            changed = group.filtered(
                lambda p, u=is_unreachable, c=is_uncooperative: (
                    p.collection_unreachable != u or p.collection_uncooperative != c
                )
            )
            if is_unreachable:
                raised_unreachable.update(
                    changed.filtered(lambda p: not p.collection_unreachable).ids
                )
            if is_uncooperative:
                raised_uncooperative.update(
                    changed.filtered(lambda p: not p.collection_uncooperative).ids
                )
            if changed:
                # with_company: company-dependent values are written for ``company``.
                changed.sudo().with_company(company).write(
                    {
                        "collection_unreachable": is_unreachable,
                        "collection_uncooperative": is_uncooperative,
                    }
                )
        if raised_unreachable or raised_uncooperative:
            self._collection_flags_raised(company, raised_unreachable, raised_uncooperative)

    def _collection_flags_raised(self, company, unreachable, uncooperative):
        """What a flag set in motion the moment it is raised (not on every run):
        the open collection cases of the customers (ids) newly ``unreachable`` or
        ``uncooperative`` in ``company``, unless they are in a settlement, which
        takes them off the recovery path."""
        cases = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", list(unreachable | uncooperative)),
                    ("company_id", "=", company.id),
                    ("collection_case", "=", True),
                    ("stage_id.closed", "=", False),
                ],
                order="id",
            )
        )
        cases -= self.env["collection.settlement"]._collection_in_settlement(cases)
        self._collection_hand_over_uncooperative(
            company, cases.filtered(lambda c: c.commercial_partner_id.id in uncooperative)
        )
        self._collection_trace_unreachable(
            company, cases.filtered(lambda c: c.commercial_partner_id.id in unreachable)
        )

    def _collection_hand_over_uncooperative(self, company, cases):
        """Seed rule "uncooperative customers go to field recovery": their open
        cases are handed over, whatever their level, to the company's
        ``collection_uncooperative_team_id`` through the hand-over hook
        ``helpdesk.ticket._collection_hand_over`` (an add-on such as Asset Recovery
        opens its own case there). No team configured: the flag is only shown."""
        team = company.collection_uncooperative_team_id
        if cases and team:
            cases._collection_hand_over(team)

    def _collection_trace_unreachable(self, company, cases):
        """Seed rule (lending flow: "multiple attempts ... physical visit to recorded
        addresses and by contacting references"): an unreachable customer's agent
        gets a call activity per reference (with the privacy script, see
        ``collection.reference._collection_schedule_calls``) and one field-visit
        activity to the customer's address, on the customer's oldest open case,
        none twice while pending."""
        if not cases:
            return
        first = {}
        for case in cases:
            first.setdefault(case.commercial_partner_id.id, case)
        references = (
            self.env["collection.reference"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", list(first)),
                    ("company_id", "in", [company.id, False]),
                ]
            )
        )
        references._collection_schedule_calls(first)
        self._collection_plan_field_visit(self.env["helpdesk.ticket"].union(*first.values()))

    def _collection_plan_field_visit(self, cases):
        """Hook (issue 12, unreachable customer): plan a field visit to the address
        of the customer of each of ``cases`` (one case per customer), none twice
        while one is pending. Here a field-visit activity for the case's agent;
        Asset Recovery (collections_art) overrides it to plan a real visit of its
        officers where the customer has an Asset Recovery case."""
        summary = self.env._("Field visit: customer unreachable")
        for case in cases:
            if any(activity.summary == summary for activity in case.activity_ids):
                continue
            partner = case.commercial_partner_id
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=self.env._(
                    "No answer on any channel: visit %(customer)s at %(address)s.",
                    customer=partner.name,
                    address=partner._display_address(without_company=True).replace("\n", ", ")
                    or self.env._("the address on file"),
                ),
                user_id=(case.user_id or case.team_id.user_id or self.env.user).id,
            )
