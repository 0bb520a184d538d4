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
# make bench N=1000 | N=10000 (default) | N=100000: invoices of the benchmark
N ?= 10000
bench:
	bash scripts/collections.sh bench $(N)
