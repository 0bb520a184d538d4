# Every target forwards to scripts/collections.sh; ODOO_SRC defaults to /opt/odoo19.
.PHONY: run test lint bench readme setup
run:
	bash scripts/collections.sh run
test:
	bash scripts/collections.sh test
lint:
	bash scripts/collections.sh lint
setup:
	bash scripts/collections.sh setup
readme:
	bash scripts/collections.sh readme
bench:
	bash scripts/collections.sh bench
