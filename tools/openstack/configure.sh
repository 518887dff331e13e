#!/usr/bin/env bash
# Writes every configuration file of the local OpenStack into $OPENSTACK_DIR/etc.
# Sourced by up.sh after secrets.env is read (DB_PASSWORD, SERVICE_PASSWORD).
# shellcheck shell=bash

ETC=$OPENSTACK_DIR/etc
STATE=$OPENSTACK_DIR/state
KEYSTONE_URL=http://127.0.0.1:$PORT_KEYSTONE
RABBIT_URL=rabbit://guest:guest@127.0.0.1:$PORT_AMQP/

db_url() { echo "mysql+pymysql://openstack:$DB_PASSWORD@127.0.0.1:$PORT_MYSQL/$1?charset=utf8"; }

# keystone_auth SECTION: the service user's password credentials, as keystoneauth reads them.
keystone_auth() {
	cat <<EOT
[$1]
auth_type = password
auth_url = $KEYSTONE_URL
www_authenticate_uri = $KEYSTONE_URL
region_name = RegionOne
os_region_name = RegionOne
project_name = service
project_domain_name = Default
username = openstack-services
user_domain_name = Default
password = $SERVICE_PASSWORD

EOT
}

write_rabbitmq_conf() {
	mkdir -p "$ETC/rabbitmq"
	cat >"$ETC/rabbitmq/rabbitmq.conf" <<EOT
listeners.tcp.default = 127.0.0.1:$PORT_AMQP
loopback_users.guest = true
log.console = false
log.file.level = info
EOT
	: >"$ETC/rabbitmq/enabled_plugins"
}

write_keystone_conf() {
	mkdir -p "$ETC/keystone" "$STATE/keystone/fernet-keys" "$STATE/keystone/credential-keys"
	cat >"$ETC/keystone/keystone.conf" <<EOT
[DEFAULT]
use_stderr = true

[database]
connection = $(db_url keystone)

[token]
provider = fernet

[fernet_tokens]
key_repository = $STATE/keystone/fernet-keys

[credential]
key_repository = $STATE/keystone/credential-keys
EOT
}

write_glance_conf() {
	mkdir -p "$ETC/glance" "$STATE/glance/images" "$STATE/glance/staging" "$STATE/glance/tasks" "$STATE/glance/lock"
	{
		cat <<EOT
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT_GLANCE
workers = 1
use_stderr = true
enabled_backends = local:file

[database]
connection = $(db_url glance)

[glance_store]
default_backend = local

[local]
filesystem_store_datadir = $STATE/glance/images

[os_glance_staging_store]
filesystem_store_datadir = $STATE/glance/staging

[os_glance_tasks_store]
filesystem_store_datadir = $STATE/glance/tasks

[paste_deploy]
flavor = keystone
config_file = $ETC/glance/glance-api-paste.ini

[oslo_concurrency]
lock_path = $STATE/glance/lock

EOT
		keystone_auth keystone_authtoken
	} >"$ETC/glance/glance-api.conf"
	cat >"$ETC/glance/glance-api-paste.ini" <<'EOT'
# Glance's v2 API behind Keystone tokens.
[pipeline:glance-api-keystone]
pipeline = http_proxy_to_wsgi versionnegotiation authtoken context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
EOT
}

write_placement_conf() {
	mkdir -p "$ETC/placement"
	{
		cat <<EOT
[DEFAULT]
use_stderr = true

[placement_database]
connection = $(db_url placement)

[api]
auth_strategy = keystone

EOT
		keystone_auth keystone_authtoken
	} >"$ETC/placement/placement.conf"
}

write_nova_conf() {
	mkdir -p "$ETC/nova" "$STATE/nova/instances" "$STATE/nova/lock"
	{
		cat <<EOT
[DEFAULT]
# The ML2 "test" mechanism driver binds ports for this host name only.
host = host-ovs-no_filter
compute_driver = fake.FakeDriver
transport_url = $RABBIT_URL
state_path = $STATE/nova
instances_path = $STATE/nova/instances
my_ip = 127.0.0.1
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $PORT_NOVA
osapi_compute_workers = 1
periodic_fuzzy_delay = 0
use_stderr = true

[api]
auth_strategy = keystone

[api_database]
connection = $(db_url nova_api)

[database]
connection = $(db_url nova)

[conductor]
workers = 1

[scheduler]
workers = 1
# Finds the compute host in seconds rather than never.
discover_hosts_in_cells_interval = 2

[wsgi]
api_paste_config = $ETC/nova/api-paste.ini

[oslo_concurrency]
lock_path = $STATE/nova/lock

[oslo_messaging_notifications]
driver = noop

[vnc]
enabled = false

[os_vif_ovs]
# No Open vSwitch here: the fake driver plugs nothing.
ovsdb_connection = tcp:127.0.0.1:1

EOT
		keystone_auth keystone_authtoken
		keystone_auth placement
		keystone_auth neutron
		keystone_auth cinder
		keystone_auth glance
		# Without a service token, Cinder refuses Nova's detach (409) and the volume
		# stays "detaching" forever.
		keystone_auth service_user
		echo "send_service_user_token = true"
	} >"$ETC/nova/nova.conf"
	cat >"$ETC/nova/api-paste.ini" <<'EOT'
# Nova's compute API (v2.1 and its v2 alias) behind Keystone tokens.
[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v2: oscomputeversion_legacy_v2
/v2.1: oscomputeversion_v2
/v2/+: openstack_compute_api_v21_legacy_v2_compatible
/v2.1/+: openstack_compute_api_v21

[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit authtoken keystonecontext osapi_compute_app_v21

[composite:openstack_compute_api_v21_legacy_v2_compatible]
use = call:nova.api.auth:pipeline_factory_v21
keystone = http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit authtoken keystonecontext legacy_v2_compatible osapi_compute_app_v21

[filter:request_log]
paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory

[filter:compute_req_id]
paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory

[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:legacy_v2_compatible]
paste.filter_factory = nova.api.openstack:LegacyV2CompatibleWrapper.factory

[filter:keystonecontext]
paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory

[pipeline:oscomputeversions]
pipeline = faultwrap request_log http_proxy_to_wsgi oscomputeversionapp

[pipeline:oscomputeversion_v2]
pipeline = compute_req_id faultwrap request_log http_proxy_to_wsgi oscomputeversionapp_v2

[pipeline:oscomputeversion_legacy_v2]
pipeline = compute_req_id faultwrap request_log http_proxy_to_wsgi legacy_v2_compatible oscomputeversionapp_v2

[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory

[app:oscomputeversionapp_v2]
paste.app_factory = nova.api.openstack.compute.versions:VersionsV2.factory
EOT
}

write_cinder_conf() {
	mkdir -p "$ETC/cinder" "$STATE/cinder/lock" "$STATE/cinder/volumes"
	{
		cat <<EOT
[DEFAULT]
transport_url = $RABBIT_URL
auth_strategy = keystone
state_path = $STATE/cinder
my_ip = 127.0.0.1
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $PORT_CINDER
osapi_volume_workers = 1
api_paste_config = $ETC/cinder/api-paste.ini
resource_query_filters_file = $ETC/cinder/resource_filters.json
enabled_backends = fake
periodic_fuzzy_delay = 0
use_stderr = true

[database]
connection = $(db_url cinder)

[fake]
# The fake driver shipped in the package, less its image copy (see fake_volume_driver.py).
volume_driver = fake_volume_driver.NoImageCopyFakeDriver
volume_backend_name = fake

[oslo_concurrency]
lock_path = $STATE/cinder/lock

[oslo_messaging_notifications]
driver = noop

EOT
		keystone_auth keystone_authtoken
		keystone_auth nova
		echo "interface = public"
	} >"$ETC/cinder/cinder.conf"
	cat >"$ETC/cinder/api-paste.ini" <<'EOT'
# Cinder's v3 API behind Keystone tokens; the version documents at / need none.
[composite:osapi_volume]
use = call:cinder.api:root_app_factory
/: apiversions
/v3: openstack_volume_api_v3

[composite:openstack_volume_api_v3]
use = call:cinder.api.middleware.auth:pipeline_factory
keystone = http_proxy_to_wsgi request_id faultwrap sizelimit authtoken keystonecontext apiv3

[filter:request_id]
paste.filter_factory = oslo_middleware.request_id:RequestId.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:faultwrap]
paste.filter_factory = cinder.api.middleware.fault:FaultWrapper.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware.sizelimit:RequestBodySizeLimiter.factory

[filter:keystonecontext]
paste.filter_factory = cinder.api.middleware.auth:CinderKeystoneContext.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[app:apiv3]
paste.app_factory = cinder.api.v3.router:APIRouter.factory

[pipeline:apiversions]
pipeline = http_proxy_to_wsgi faultwrap osvolumeversionapp

[app:osvolumeversionapp]
paste.app_factory = cinder.api.versions:Versions.factory
EOT
	# The query filters each list accepts (cinder-common's copy is not installed):
	# without it, GET /attachments?volume_id= answers 400.
	cat >"$ETC/cinder/resource_filters.json" <<'EOT'
{
    "volume": ["name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id", "size", "created_at", "updated_at"],
    "backup": ["name", "status", "volume_id"],
    "snapshot": ["name", "status", "volume_id", "metadata", "availability_zone"],
    "group": [],
    "group_snapshot": ["status", "group_id"],
    "attachment": ["volume_id", "status", "instance_id", "attach_status"],
    "message": ["resource_uuid", "resource_type", "event_id", "request_id", "message_level"],
    "pool": ["name", "volume_type"],
    "volume_type": ["is_public"]
}
EOT
}

write_neutron_conf() {
	mkdir -p "$ETC/neutron" "$STATE/neutron/lock"
	{
		cat <<EOT
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT_NEUTRON
core_plugin = ml2
service_plugins =
auth_strategy = keystone
transport_url = $RABBIT_URL
state_path = $STATE/neutron
api_paste_config = $ETC/neutron/api-paste.ini
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 0
dhcp_agent_notification = false
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
use_stderr = true

[database]
connection = $(db_url neutron)

[oslo_concurrency]
lock_path = $STATE/neutron/lock

[oslo_messaging_notifications]
driver = noop

EOT
		keystone_auth keystone_authtoken
		keystone_auth nova
	} >"$ETC/neutron/neutron.conf"
	cat >"$ETC/neutron/ml2_conf.ini" <<'EOT'
[ml2]
type_drivers = flat,vlan
tenant_network_types = vlan
# Shipped with neutron for its own tests: binds ports for the host "host-ovs-no_filter".
mechanism_drivers = test
extension_drivers = port_security

[ml2_type_flat]
flat_networks = physnet1

[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199
EOT
	cat >"$ETC/neutron/api-paste.ini" <<'EOT'
# Neutron's v2.0 API behind Keystone tokens.
[composite:neutron]
use = egg:Paste#urlmap
/: neutronversions_composite
/v2.0: neutronapi_v2_0

[composite:neutronapi_v2_0]
use = call:neutron.auth:pipeline_factory
keystone = http_proxy_to_wsgi request_id catch_errors authtoken keystonecontext extensions neutronapiapp_v2_0

[composite:neutronversions_composite]
use = call:neutron.auth:pipeline_factory
keystone = http_proxy_to_wsgi neutronversions

[filter:request_id]
paste.filter_factory = oslo_middleware:RequestId.factory

[filter:catch_errors]
paste.filter_factory = oslo_middleware:CatchErrors.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:keystonecontext]
paste.filter_factory = neutron.auth:NeutronKeystoneContext.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[filter:extensions]
paste.filter_factory = neutron.api.extensions:plugin_aware_extension_middleware_factory

[app:neutronversions]
paste.app_factory = neutron.pecan_wsgi.app:versions_factory

[app:neutronapiapp_v2_0]
paste.app_factory = neutron.api.v2.router:APIRouter.factory
EOT
}

write_all_confs() {
	write_rabbitmq_conf
	write_keystone_conf
	write_glance_conf
	write_placement_conf
	write_nova_conf
	write_cinder_conf
	write_neutron_conf
}
