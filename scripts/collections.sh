#!/usr/bin/env bash
# The project's single entry point: `scripts/collections.sh run|test|lint|bench|setup`.
# The Makefile only forwards to it. Odoo is found through ODOO_SRC (default /opt/odoo19).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo19}
ODOO_BRANCH=${ODOO_BRANCH:-19.0}
PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-$ROOT/.venv}
STATE=${STATE:-$ROOT/.odoo}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-odoo}
PGPASSWORD=${PGPASSWORD:-odoo}
DB=${DB:-collections}
HTTP_PORT=${HTTP_PORT:-8069}
ADDONS=collections_dunning,collections_art,collections_dashboard
# make test also installs the optional add-ons, to run their tests. collections_queue_job
# stays out of ADDONS (make run): its jobs need queue_job's runner (--workers,
# --load=web,queue_job), which `make run` does not start. make bench installs it into a
# copy of its database and starts such a server itself (bench/jobs_bench.py).
TEST_ADDONS=$ADDONS,collections_queue_job
# Odoo account's invoice and payment tests, run with our add-ons installed.
ACCOUNT_TESTS="test_account_move_out_invoice test_account_move_in_invoice test_account_payment
    test_account_payment_register test_account_move_payments_widget"
export PGHOST PGPORT PGUSER PGPASSWORD

say() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

ensure_odoo_src() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        say "No Odoo source at $ODOO_SRC: cloning Odoo $ODOO_BRANCH (shallow)"
        git clone --depth 1 --branch "$ODOO_BRANCH" https://github.com/odoo/odoo.git "$ODOO_SRC" \
            || die "Odoo $ODOO_BRANCH is neither at ODOO_SRC=$ODOO_SRC nor reachable to clone."
    fi
    # Some copies of the 19.0 tree list views/res_config_settings_views.xml in a
    # manifest while the file is views/res_config_settings.xml (iap is one, and sms
    # needs iap). Give the file the listed name, without touching anything else.
    local manifest dir
    for manifest in "$ODOO_SRC"/addons/*/__manifest__.py; do
        grep -q "views/res_config_settings_views.xml" "$manifest" || continue
        dir=$(dirname "$manifest")/views
        if [ ! -f "$dir/res_config_settings_views.xml" ] && [ -f "$dir/res_config_settings.xml" ]; then
            say "Odoo tree: $dir/res_config_settings_views.xml missing, copying res_config_settings.xml"
            cp "$dir/res_config_settings.xml" "$dir/res_config_settings_views.xml"
        fi
    done
}

ensure_venv() {
    local stamp="$VENV/.collections-stamp" want
    want=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" | sha1sum | cut -c1-16)-$ODOO_SRC
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    command -v "$PYTHON" >/dev/null || PYTHON=python3
    say "Building the virtualenv $VENV (Odoo from $ODOO_SRC)"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    # setuptools as pinned in requirements.txt (gevent needs its pkg_resources)
    "$VENV/bin/pip" install -q --upgrade pip wheel "$(grep '^setuptools==' "$ROOT/requirements.txt")"
    "$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt"
    "$VENV/bin/pip" install -q -e "$ODOO_SRC"
    "$VENV/bin/pip" install -q -r "$ROOT/requirements.txt"
    echo "$want" >"$stamp"
}

ensure_postgres() {
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
            say "Starting PostgreSQL"
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
            for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
        fi
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT"
    fi
    # Odoo refuses to run as the superuser role `postgres`: use (and if we may, create) $PGUSER.
    if ! psql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
        say "Creating the PostgreSQL role $PGUSER"
        psql -U postgres -d postgres -v ON_ERROR_STOP=1 \
            -c "CREATE ROLE \"$PGUSER\" LOGIN CREATEDB PASSWORD '$PGPASSWORD'" >/dev/null \
            || die "Cannot connect as $PGUSER nor create it; set PGUSER/PGPASSWORD to a role that may create databases."
    fi
}

site_addons() {
    "$VENV/bin/python" -c 'import sysconfig, os; print(os.path.join(sysconfig.get_paths()["purelib"], "odoo", "addons"))'
}

write_config() {
    mkdir -p "$STATE/data"
    cat >"$STATE/odoo.conf" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$(site_addons),$ROOT/addons
data_dir = $STATE/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
admin_passwd = admin
http_port = $HTTP_PORT
CONF
}

setup() {
    ensure_odoo_src
    ensure_venv
    ensure_postgres
    write_config
}

odoo() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" "$@"; }

db_has_addons() {
    [ "$(psql -d "$1" -tAc "SELECT count(*) FROM ir_module_module
        WHERE name IN ('collections_dunning','collections_art') AND state = 'installed'" 2>/dev/null)" = "2" ]
}

cmd_run() {
    setup
    if ! db_has_addons "$DB"; then
        say "Installing $ADDONS with demo data into database $DB"
        odoo -d "$DB" -i "$ADDONS" --with-demo --stop-after-init
    fi
    say "Odoo on http://localhost:$HTTP_PORT (database $DB, login admin / admin)"
    exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$DB" --db-filter "^$DB\$" "$@"
}

cmd_test() {
    setup
    local test_db="collections_test_$$"
    # shellcheck disable=SC2064
    trap "dropdb --if-exists '$test_db' >/dev/null 2>&1 || true" EXIT
    say "Installing $TEST_ADDONS into the throw-away database $test_db"
    odoo -d "$test_db" -i "$TEST_ADDONS" --stop-after-init --log-level=warn
    say "Building the web client's asset bundles once, before the browser tours"
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell -c "$STATE/odoo.conf" -d "$test_db" \
        --log-level=warn --no-http <"$ROOT/scripts/warm_assets.py"
    local upstream
    upstream=("$(site_addons)/helpdesk_mgmt/tests")
    for name in $ACCOUNT_TESTS; do upstream+=("$ODOO_SRC/addons/account/tests/$name.py"); done
    say "Running the tests: ours, repo-level, and helpdesk_mgmt's and account's own"
    # conftest.py fails the run when one of our tests or any browser test is skipped.
    (cd "$ROOT" && "$VENV/bin/python" -m pytest -c "$ROOT/pyproject.toml" --rootdir "$ROOT" \
        --odoo-config "$STATE/odoo.conf" --odoo-database "$test_db" --odoo-http \
        --odoo-log-level=warn -rfEs \
        addons/collections_dunning/tests addons/collections_art/tests addons/collections_dashboard/tests \
        addons/collections_queue_job/tests tests "${upstream[@]}" "$@")
}

cmd_bench() {
    # `make bench N=...`: the daily run side by side with OCA credit control over N invoices,
    # in a throw-away database (bench/bench_daily_run.py says what it generates and times).
    setup
    local size=${1:-10000} bench_db
    [[ $size =~ ^[0-9]+$ ]] && [ "$size" -ge 2 ] \
        || die "N is a number of invoices, at least 2: make bench N=10000"
    bench_db=${BENCH_DB:-collections_bench_$$}
    if [ -z "${BENCH_KEEP:-}" ]; then  # BENCH_KEEP=1 keeps the databases to look into
        # The benchmark drops its copy for the queue_job runs itself; this is for a crash.
        # shellcheck disable=SC2064
        trap "dropdb --if-exists '$bench_db' >/dev/null 2>&1 || true
            dropdb --if-exists '${bench_db}_jobs' >/dev/null 2>&1 || true
            rm -rf '$STATE/data/filestore/$bench_db' '$STATE/data/filestore/${bench_db}_jobs'" EXIT
    fi
    say "Installing collections_dunning, collections_art and account_credit_control into $bench_db"
    odoo -d "$bench_db" -i collections_dunning,collections_art,account_credit_control \
        --stop-after-init --log-level=warn
    say "Benchmark over $size invoices"
    (cd "$ROOT" && "$VENV/bin/python" bench/bench_daily_run.py "$STATE/odoo.conf" "$bench_db" "$size")
}

cmd_lint() {
    (cd "$ROOT" && "$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check . \
        && "$VENV/bin/python" scripts/gen_readme.py --check \
        && "$VENV/bin/pylint" --rcfile=.pylintrc addons/collections_dunning addons/collections_art \
            addons/collections_dashboard addons/collections_queue_job)
}

case "${1:-}" in
    setup) setup ;;
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    lint) setup; cmd_lint ;;
    bench) shift; cmd_bench "$@" ;;
    readme) setup; "$VENV/bin/python" "$ROOT/scripts/gen_readme.py" ;;
    *) die "usage: $0 setup|run|test|lint|bench|readme" ;;
esac
