#!/usr/bin/env bash
# Brings up a local, real OpenStack (Keystone, Glance, Placement, Nova with its
# fake compute driver, Cinder with its fake volume driver, neutron-server) on
# 127.0.0.1, from Debian 12's packages, with MariaDB and RabbitMQ. Everything it
# writes is under $OPENSTACK_DIR (default .openstack/ in the repository).
# See tools/openstack/README.md.
set -euo pipefail
# shellcheck disable=SC2317  # helpers run through wait_until, sync_bg and launch
# The whole script is one block, read before it runs: editing the file meanwhile cannot change a run.
{
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$OS_TOOLS/services.sh"

case $OPENSTACK_DIR in / | /root | /work | "$OS_REPO") die "OPENSTACK_DIR=$OPENSTACK_DIR: choose a folder of its own" ;; esac

# Already up: every recorded process runs and the last start finished.
if [ -f "$RUN/up.done" ]; then
	all=1
	while read -r name; do alive "$name" || all=; done <"$RUN/services"
	if [ -n "$all" ] && http_answers "http://127.0.0.1:$PORT_KEYSTONE/v3"; then
		step "OpenStack is already up in $OPENSTACK_DIR (openrc: $OPENSTACK_DIR/openrc)"
		exit 0
	fi
fi
if [ -f "$RUN/services" ]; then
	step "a previous start left processes in $OPENSTACK_DIR: stopping them first"
	bash "$OS_TOOLS/down.sh"
fi

bash "$OS_TOOLS/install.sh"

busy=
for port in $ALL_PORTS; do
	port_busy "$port" && busy="$busy $port"
done
if [ -n "$busy" ]; then
	listeners "$busy" >&2
	# A cloud of these scripts from another work folder: name it and how to stop it.
	other=$(ss -Hltnp "sport = :$PORT_MYSQL" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
	other=$(tr '\0' '\n' <"/proc/${other:-0}/cmdline" 2>/dev/null | sed -n 's|^--datadir=\(.*\)/mysql$|\1|p')
	[ -z "$other" ] || die "a local OpenStack already runs from $other (make openstack-down OPENSTACK_DIR=$other stops it)"
	die "ports already in use:$busy (another OpenStack, MariaDB or RabbitMQ?)"
fi

# A fresh cloud each time: configs, databases and state are made anew.
mkdir -p "$OPENSTACK_DIR" "$LOGS"
rm -rf "${OPENSTACK_DIR:?}/etc" "$OPENSTACK_DIR/state" "$OPENSTACK_DIR/mysql" "$OPENSTACK_DIR/rabbitmq" "$RUN" \
	"$OPENSTACK_DIR/openrc" "$OPENSTACK_DIR/openrc-admin" "$OPENSTACK_DIR/cloud.json" "$OPENSTACK_DIR/keypair.pem"
find "$LOGS" -name '*.log' ! -name apt.log -delete
mkdir -p "$RUN"
: >"$RUN/services"
echo "$OPENSTACK_PORT_OFFSET" >"$OPENSTACK_DIR/port-offset"
secret() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
DB_PASSWORD=$(secret)
SERVICE_PASSWORD=$(secret)
ADMIN_PASSWORD=$(secret)
USER_PASSWORD=$(secret)
umask 077
cat >"$OPENSTACK_DIR/secrets.env" <<EOT
DB_PASSWORD=$DB_PASSWORD
SERVICE_PASSWORD=$SERVICE_PASSWORD
ADMIN_PASSWORD=$ADMIN_PASSWORD
USER_PASSWORD=$USER_PASSWORD
EOT
umask 022
. "$OS_TOOLS/configure.sh"
write_all_confs
step "configs written to $OPENSTACK_DIR/etc"

# --- MariaDB, its own datadir, on loopback ----------------------------------
MYSQL_SOCK=$RUN/mysql.sock
mysql_root() { mariadb --no-defaults --socket="$MYSQL_SOCK" -uroot "$@"; }
mkdir -p "$OPENSTACK_DIR/mysql"
if ! mariadb-install-db --no-defaults --datadir="$OPENSTACK_DIR/mysql" --user=root \
	--auth-root-authentication-method=socket --skip-test-db >"$LOGS/mariadb-install.log" 2>&1; then
	fail_service mariadb "$LOGS/mariadb-install.log" "mariadb-install-db failed"
fi
launch mariadb /usr/sbin/mariadbd --no-defaults --datadir="$OPENSTACK_DIR/mysql" --user=root \
	--bind-address=127.0.0.1 --port=$PORT_MYSQL --socket="$MYSQL_SOCK" --pid-file="$RUN/mariadbd.pid" \
	--max-connections=1000 --skip-name-resolve --log-error="$LOGS/mariadb.log" \
	--innodb-file-per-table=0 --innodb-doublewrite=0 --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=256M
wait_until 60 mariadb mysql_root -e 'SELECT 1'
DATABASES="keystone glance placement nova_api nova nova_cell0 cinder neutron"
{
	for db in $DATABASES; do echo "CREATE DATABASE $db CHARACTER SET utf8mb4;"; done
	echo "CREATE USER 'openstack'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';"
	echo "GRANT ALL PRIVILEGES ON *.* TO 'openstack'@'127.0.0.1';"
} | mysql_root
step "mariadb: up on 127.0.0.1:$PORT_MYSQL, databases created"

# --- RabbitMQ, as root with everything in the work folder -------------------
RMQ=$OPENSTACK_DIR/rabbitmq
mkdir -p "$RMQ/home" "$RMQ/mnesia" "$RMQ/log"
launch epmd env ERL_EPMD_ADDRESS=127.0.0.1 /usr/bin/epmd -port $PORT_EPMD
wait_until 20 epmd port_busy $PORT_EPMD
launch rabbitmq env HOME="$RMQ/home" ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=$PORT_EPMD \
	RABBITMQ_CONF_ENV_FILE=/dev/null RABBITMQ_NODENAME=rabbit@localhost \
	RABBITMQ_CONFIG_FILE="$ETC/rabbitmq/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq/enabled_plugins" \
	RABBITMQ_MNESIA_BASE="$RMQ/mnesia" RABBITMQ_LOG_BASE="$LOGS" RABBITMQ_PID_FILE="$RUN/rabbitmq-beam.pid" \
	RABBITMQ_DIST_PORT=$PORT_RABBIT_DIST \
	RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
	/usr/lib/rabbitmq/bin/rabbitmq-server

# --- The other schemas, side by side with Keystone's and RabbitMQ's start -----
declare -A SYNC_PIDS=()
sync_bg() { # sync_bg NAME COMMAND...: a schema migration in the background, logged to logs/NAME-db.log.
	local name=$1
	shift
	("$@") >"$LOGS/$name-db.log" 2>&1 &
	SYNC_PIDS[$name]=$!
}
NOVA_CONF=(--config-file "$ETC/nova/nova.conf")
nova_manage() { pyentry nova-manage nova.cmd.manage:main "${NOVA_CONF[@]}" "$@"; }
sync_nova() {
	nova_manage api_db sync
	nova_manage cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
	nova_manage cell_v2 create_cell --name cell1 --verbose
	nova_manage db sync
}
sync_bg glance pyentry glance-manage glance.cmd.manage:main --config-file "$ETC/glance/glance-api.conf" db_sync
sync_bg placement pyentry placement-manage placement.cmd.manage:main --config-file "$ETC/placement/placement.conf" db sync
sync_bg cinder pyentry cinder-manage cinder.cmd.manage:main --config-file "$ETC/cinder/cinder.conf" db sync
sync_bg neutron pyentry neutron-db-manage neutron.db.migration.cli:main --config-file "$ETC/neutron/neutron.conf" \
	--config-file "$ETC/neutron/ml2_conf.ini" upgrade heads
sync_bg nova sync_nova

# --- Keystone: schema and bootstrap while RabbitMQ starts ------------------
KS_CONF=(--config-file "$ETC/keystone/keystone.conf")
run_logged() { # run_logged NAME LOG COMMAND...: a one-shot step; on failure, name it and its log.
	local name=$1 log=$2
	shift 2
	"$@" >>"$log" 2>&1 || fail_service "$name" "$log" "'$*' failed"
}
run_logged keystone "$LOGS/keystone-manage.log" keystone-manage "${KS_CONF[@]}" db_sync
run_logged keystone "$LOGS/keystone-manage.log" keystone-manage "${KS_CONF[@]}" fernet_setup --keystone-user root --keystone-group root
run_logged keystone "$LOGS/keystone-manage.log" keystone-manage "${KS_CONF[@]}" credential_setup --keystone-user root --keystone-group root
run_logged keystone "$LOGS/keystone-manage.log" keystone-manage "${KS_CONF[@]}" bootstrap \
	--bootstrap-password "$ADMIN_PASSWORD" --bootstrap-region-id RegionOne \
	--bootstrap-admin-url "http://127.0.0.1:$PORT_KEYSTONE/v3/" \
	--bootstrap-internal-url "http://127.0.0.1:$PORT_KEYSTONE/v3/" \
	--bootstrap-public-url "http://127.0.0.1:$PORT_KEYSTONE/v3/"
step "keystone: schema and bootstrap done"

uwsgi_app() { # uwsgi_app NAME PORT WSGI-FILE ENV=VALUE: a WSGI app on 127.0.0.1:PORT.
	# Connection: close, or clients reuse connections uwsgi has closed and calls fail now and then.
	launch "$1" /usr/bin/uwsgi --plugin python3 --http-socket "127.0.0.1:$2" --wsgi-file "$3" \
		--master --processes 2 --die-on-term --need-app --buffer-size 65535 \
		--add-header "Connection: close" --env "$4" --env PYTHONDONTWRITEBYTECODE=1
}
uwsgi_app keystone $PORT_KEYSTONE /usr/bin/keystone-wsgi-public "OS_KEYSTONE_CONFIG_DIR=$ETC/keystone"

wait_until 60 rabbitmq port_busy $PORT_AMQP
step "rabbitmq: up on 127.0.0.1:$PORT_AMQP"
wait_until 60 keystone http_answers "http://127.0.0.1:$PORT_KEYSTONE/v3"
step "keystone: answering on 127.0.0.1:$PORT_KEYSTONE"

export OS_AUTH_URL=http://127.0.0.1:$PORT_KEYSTONE/v3 ADMIN_PASSWORD SERVICE_PASSWORD USER_PASSWORD
cloud() { "$PY" "$OS_TOOLS/cloud.py" "$@"; }
cloud catalog || fail_service keystone "$LOGS/keystone.log" "registering the services and the service user failed"
step "keystone: services, endpoints and the service user registered"

for name in glance placement cinder neutron nova; do
	if ! wait "${SYNC_PIDS[$name]}"; then
		fail_service "$name" "$LOGS/$name-db.log" "the database schema could not be made"
	fi
done
step "schemas: glance, placement, nova, cinder, neutron"

# --- The services, in their order --------------------------------------------
uwsgi_app placement $PORT_PLACEMENT /usr/bin/placement-api "OS_PLACEMENT_CONFIG_DIR=$ETC/placement"
launch glance "$PY" -c "$(main_of glance-api glance.cmd.api:main)" --config-file "$ETC/glance/glance-api.conf"
# neutron-server under -O: the "test" mechanism driver asserts unit-test contexts that
# fail when Nova binds an existing port. Its optimised bytecode goes to the work folder.
launch neutron env PYTHONPYCACHEPREFIX="$STATE/pycache" "$PY" -O -c "$(main_of neutron-server neutron.cmd.eventlet.server:main)" \
	--config-file "$ETC/neutron/neutron.conf" --config-file "$ETC/neutron/ml2_conf.ini"
launch nova-conductor "$PY" -c "$(main_of nova-conductor nova.cmd.conductor:main)" "${NOVA_CONF[@]}"
launch nova-scheduler "$PY" -c "$(main_of nova-scheduler nova.cmd.scheduler:main)" "${NOVA_CONF[@]}"
launch nova-api "$PY" -c "$(main_of nova-api nova.cmd.api:main)" "${NOVA_CONF[@]}"
CINDER_CONF=(--config-file "$ETC/cinder/cinder.conf")
launch cinder-api "$PY" -c "$(main_of cinder-api cinder.cmd.api:main)" "${CINDER_CONF[@]}"
launch cinder-scheduler "$PY" -c "$(main_of cinder-scheduler cinder.cmd.scheduler:main)" "${CINDER_CONF[@]}"
launch cinder-volume env PYTHONPATH="$OS_TOOLS" "$PY" -c "$(main_of cinder-volume cinder.cmd.volume:main)" "${CINDER_CONF[@]}"

conductor_registered() {
	[ "$(mysql_root -N -e "SELECT COUNT(*) FROM nova.services WHERE \`binary\`='nova-conductor' AND deleted=0")" -gt 0 ]
}
wait_until 90 nova-conductor conductor_registered
step "nova-conductor: up"
launch nova-compute "$PY" -c "$(main_of nova-compute nova.cmd.compute:main)" "${NOVA_CONF[@]}"

wait_until 90 placement http_answers "http://127.0.0.1:$PORT_PLACEMENT/"
step "placement: answering on 127.0.0.1:$PORT_PLACEMENT"
wait_until 90 glance http_answers "http://127.0.0.1:$PORT_GLANCE/"
step "glance: answering on 127.0.0.1:$PORT_GLANCE"
wait_until 120 neutron http_answers "http://127.0.0.1:$PORT_NEUTRON/"
step "neutron: answering on 127.0.0.1:$PORT_NEUTRON"
wait_until 90 nova-api http_answers "http://127.0.0.1:$PORT_NOVA/"
step "nova-api: answering on 127.0.0.1:$PORT_NOVA"
wait_until 90 cinder-api http_answers "http://127.0.0.1:$PORT_CINDER/"
step "cinder-api: answering on 127.0.0.1:$PORT_CINDER"

# Ready for a build: the compute inventory is in Placement, the host is in a cell,
# cinder-volume reports up, and Neutron has answered its first list.
cloud wait-ready || die "the cloud did not become ready (see the messages above)"
step "ready: compute inventory in placement, cinder-volume up, neutron warmed"

cloud seed || die "creating the test project, user, flavor, image, key pair and network failed"
step "seeded: openrc at $OPENSTACK_DIR/openrc, openrc-admin at $OPENSTACK_DIR/openrc-admin"

cloud smoke || die "smoke check failed (see the messages above; logs in $LOGS)"
step "smoke check passed: boot from volume on the network, attach, detach, delete"

date -u +%FT%TZ >"$RUN/up.done"
rss=$(bash "$OS_TOOLS/rss.sh")
step "OpenStack is up in $OPENSTACK_DIR: $rss; source $OPENSTACK_DIR/openrc"
exit 0
}
