"""Talks to the local OpenStack over its REST APIs (standard library only).

Run by up.sh with /usr/bin/python3:
  catalog     registers the services, their endpoints and the service user in Keystone
  wait-ready  waits until a server can really be built
  seed        creates the test project, user, flavor, image, key pair and network; writes openrc files
  smoke       as the test user: boots a server from a volume of the image on the network,
              attaches a second volume, detaches it, deletes everything
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

AUTH_URL = os.environ["OS_AUTH_URL"]
WORK = os.environ["OPENSTACK_DIR"]
CLOUD_FILE = os.path.join(WORK, "cloud.json")
REGION = "RegionOne"
SERVICE_USER = "openstack-services"
TEST_NAME = "tfacc"
STEP_TIMEOUT = 60
# A build is several steps in one (schedule, volume from image, port binding, spawn):
# about 30 s on a busy 2-core machine, 50 s when it is very busy.
BUILD_TIMEOUT = 120


class APIError(Exception):
    def __init__(self, method, url, status, body):
        super().__init__("%s %s answered %s: %s" % (method, url, status, body[:400]))
        self.status = status


def request(method, url, token=None, body=None, headers=None, raw=None):
    """One HTTP call; returns (status, headers, parsed JSON or None)."""
    data = raw
    hdrs = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if token:
        hdrs["X-Auth-Token"] = token
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
            return resp.status, resp.headers, (json.loads(text) if text.strip() else None)
    except urllib.error.HTTPError as err:
        raise APIError(method, url, err.code, err.read().decode(errors="replace")) from None


class Session:
    """A project-scoped token and the catalog that came with it."""

    def __init__(self, user, password, project, user_domain="Default", project_domain="Default"):
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user, "domain": {"name": user_domain}, "password": password}}},
            "scope": {"project": {"name": project, "domain": {"name": project_domain}}}}}
        _, headers, answer = request("POST", AUTH_URL + "/auth/tokens", body=body)
        self.token = headers["X-Subject-Token"]
        self.project_id = answer["token"]["project"]["id"]
        self.user_id = answer["token"]["user"]["id"]
        self.catalog = answer["token"].get("catalog", [])

    def endpoint(self, service_type):
        for svc in self.catalog:
            if svc["type"] == service_type:
                for ep in svc["endpoints"]:
                    if ep["interface"] == "public":
                        return ep["url"].rstrip("/")
        raise RuntimeError("no public %s endpoint in the catalog" % service_type)

    def call(self, method, service_type, path, body=None, headers=None, raw=None):
        base = AUTH_URL if service_type == "identity" else self.endpoint(service_type)
        return request(method, base + path, self.token, body, headers, raw)[2]


def admin():
    return Session("admin", os.environ["ADMIN_PASSWORD"], "admin")


def say(message):
    print("          " + message, flush=True)


def wait_for(what, check, timeout=STEP_TIMEOUT, interval=0.5):
    """Calls check() until it returns a true value; fails after timeout seconds."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            result = check()
            if result:
                return result
        except APIError as err:
            last = err
        time.sleep(interval)
    raise RuntimeError("%s: not done after %ds%s" % (what, timeout, " (last: %s)" % last if last else ""))


def find(items, **match):
    for item in items:
        if all(item.get(k) == v for k, v in match.items()):
            return item
    return None


# --- catalog -----------------------------------------------------------------

def _url(port_name, path=""):
    return "http://127.0.0.1:%s%s" % (os.environ["PORT_" + port_name], path)


SERVICES = [
    ("glance", "image", _url("GLANCE")),
    ("placement", "placement", _url("PLACEMENT")),
    ("nova", "compute", _url("NOVA", "/v2.1")),
    ("cinderv3", "volumev3", _url("CINDER", "/v3/%(project_id)s")),
    ("cinder", "block-storage", _url("CINDER", "/v3/%(project_id)s")),
    ("neutron", "network", _url("NEUTRON")),
]


def ensure(session, collection, key, match, body):
    """Finds an identity object by its fields, or creates it."""
    found = find(session.call("GET", "identity", "/" + collection)[collection], **match)
    if found:
        return found
    return session.call("POST", "identity", "/" + collection, body={key: body})[key]


def grant(session, project_id, user_id, role_name):
    role = ensure(session, "roles", "role", {"name": role_name}, {"name": role_name})
    session.call("PUT", "identity", "/projects/%s/users/%s/roles/%s" % (project_id, user_id, role["id"]))


def cmd_catalog():
    s = admin()
    for name, stype, url in SERVICES:
        svc = ensure(s, "services", "service", {"type": stype}, {"name": name, "type": stype, "enabled": True})
        for interface in ("public", "internal"):
            s.call("POST", "identity", "/endpoints", body={"endpoint": {
                "service_id": svc["id"], "interface": interface, "url": url, "region_id": REGION}})
    project = ensure(s, "projects", "project", {"name": "service"},
                     {"name": "service", "domain_id": "default", "description": "OpenStack's own services"})
    user = ensure(s, "users", "user", {"name": SERVICE_USER}, {
        "name": SERVICE_USER, "domain_id": "default", "password": os.environ["SERVICE_PASSWORD"]})
    # "service" is what Cinder checks in Nova's service token before it lets Nova detach.
    for role in ("admin", "service"):
        grant(s, project["id"], user["id"], role)


# --- wait-ready ----------------------------------------------------------------

def cmd_wait_ready():
    s = admin()
    pl = {"OpenStack-API-Version": "placement 1.20"}

    def compute_inventory():
        providers = s.call("GET", "placement", "/resource_providers", headers=pl)["resource_providers"]
        for rp in providers:
            inv = s.call("GET", "placement", "/resource_providers/%s/inventories" % rp["uuid"], headers=pl)
            if "VCPU" in inv["inventories"]:
                return rp["name"]
        return None
    host = wait_for("compute inventory in placement (nova-compute: logs/nova-compute.log)", compute_inventory, 120)
    say("compute node %s has its inventory in placement" % host)

    def host_mapped():
        hypervisors = s.call("GET", "compute", "/os-hypervisors")["hypervisors"]
        return [h for h in hypervisors if h.get("state", "up") == "up"]
    wait_for("compute host mapped to a cell (nova-scheduler: logs/nova-scheduler.log)", host_mapped, 120)

    def volume_service_up():
        services = s.call("GET", "volumev3", "/os-services?binary=cinder-volume")["services"]
        return [x for x in services if x["state"] == "up" and x["status"] == "enabled"]
    wait_for("cinder-volume up (logs/cinder-volume.log)", volume_service_up, 120)

    def compute_service_up():
        services = s.call("GET", "compute", "/os-services?binary=nova-compute")["services"]
        return [x for x in services if x["state"] == "up"]
    wait_for("nova-compute up (logs/nova-compute.log)", compute_service_up, 120)
    # Neutron 21.0.0 answers its first port list 500 until another query has set its mappers up.
    s.call("GET", "network", "/v2.0/networks")


# --- seed ----------------------------------------------------------------------

TINY_IMAGE = b"\0" * 1024 * 1024  # 1 MiB of zeros: the fake driver never boots it


def cmd_seed():
    s = admin()
    password = os.environ["USER_PASSWORD"]
    project = ensure(s, "projects", "project", {"name": TEST_NAME},
                     {"name": TEST_NAME, "domain_id": "default", "description": "acceptance tests"})
    user = ensure(s, "users", "user", {"name": TEST_NAME}, {
        "name": TEST_NAME, "domain_id": "default", "password": password, "default_project_id": project["id"]})
    grant(s, project["id"], user["id"], "member")
    # The admin also works in the test project, to inspect and sweep it.
    grant(s, project["id"], s.user_id, "admin")

    flavor = s.call("POST", "compute", "/flavors", body={"flavor": {
        "name": "m1.tiny", "ram": 512, "vcpus": 1, "disk": 1, "id": None}})["flavor"]

    image = s.call("POST", "image", "/v2/images", body={
        "name": "tfacc-raw", "disk_format": "raw", "container_format": "bare", "visibility": "public"})
    s.call("PUT", "image", "/v2/images/%s/file" % image["id"], raw=TINY_IMAGE,
           headers={"Content-Type": "application/octet-stream"})
    wait_for("image active (logs/glance.log)",
             lambda: s.call("GET", "image", "/v2/images/" + image["id"])["status"] == "active")

    net = s.call("POST", "network", "/v2.0/networks", body={"network": {
        "name": "tfacc-net", "shared": True, "provider:network_type": "flat",
        "provider:physical_network": "physnet1"}})["network"]
    subnet = s.call("POST", "network", "/v2.0/subnets", body={"subnet": {
        "name": "tfacc-subnet", "network_id": net["id"], "ip_version": 4, "cidr": "10.20.0.0/24",
        "gateway_ip": "10.20.0.1", "enable_dhcp": False}})["subnet"]

    u = Session(TEST_NAME, password, TEST_NAME)
    # At 2.1 Nova makes the key pair itself; the private key is kept beside openrc.
    keypair = u.call("POST", "compute", "/os-keypairs", body={"keypair": {"name": "tfacc-key"}})["keypair"]
    pem = os.path.join(WORK, "keypair.pem")
    with open(os.open(pem, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(keypair["private_key"])

    cloud = {"project_id": project["id"], "user_id": user["id"], "flavor_id": flavor["id"],
             "flavor_name": flavor["name"], "image_id": image["id"], "network_id": net["id"],
             "network_name": net["name"], "subnet_id": subnet["id"], "keypair": keypair["name"]}
    with open(CLOUD_FILE, "w") as f:
        json.dump(cloud, f, indent=2)
    write_openrc(cloud, password)
    say("project %s, user %s (member), flavor %s (%s), image %s, network %s, subnet %s, key pair %s" % (
        TEST_NAME, TEST_NAME, flavor["name"], flavor["id"], image["id"], net["id"], subnet["id"], keypair["name"]))


def write_openrc(cloud, password):
    common = [
        ("OS_AUTH_URL", AUTH_URL), ("OS_IDENTITY_API_VERSION", "3"), ("OS_REGION_NAME", REGION),
        ("OS_INTERFACE", "public"), ("OS_USER_DOMAIN_NAME", "Default"), ("OS_PROJECT_DOMAIN_NAME", "Default"),
    ]
    tests = [
        ("OS_TEST_IMAGE_ID", cloud["image_id"]), ("OS_TEST_FLAVOR_ID", cloud["flavor_id"]),
        ("OS_TEST_FLAVOR_NAME", cloud["flavor_name"]), ("OS_TEST_NETWORK_ID", cloud["network_id"]),
        ("OS_TEST_NETWORK_NAME", cloud["network_name"]), ("OS_TEST_SUBNET_ID", cloud["subnet_id"]),
        ("OS_TEST_KEYPAIR", cloud["keypair"]), ("OS_TEST_PROJECT_ID", cloud["project_id"]),
    ]
    files = {
        "openrc": [("OS_USERNAME", TEST_NAME), ("OS_PASSWORD", password), ("OS_PROJECT_NAME", TEST_NAME)],
        # The admin, scoped to the test project: to inspect it and sweep what a run left.
        "openrc-admin": [("OS_USERNAME", "admin"), ("OS_PASSWORD", os.environ["ADMIN_PASSWORD"]),
                         ("OS_PROJECT_NAME", TEST_NAME)],
    }
    for name, creds in files.items():
        path = os.path.join(WORK, name)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write("# The local OpenStack in %s (tools/openstack). Source this file.\n" % WORK)
            for key, value in creds + common + tests:
                f.write("export %s='%s'\n" % (key, value))


# --- smoke ---------------------------------------------------------------------

def cmd_smoke():
    with open(CLOUD_FILE) as f:
        cloud = json.load(f)
    u = Session(TEST_NAME, os.environ["USER_PASSWORD"], TEST_NAME)
    started = time.time()
    made = {"server": None, "volume": None}

    def step(message):
        say("smoke %5.1fs: %s" % (time.time() - started, message))

    def server_status(sid):
        return u.call("GET", "compute", "/servers/" + sid)["server"]["status"]

    def volume(vid):
        return u.call("GET", "volumev3", "/volumes/" + vid)["volume"]

    def gone(path, service):
        try:
            u.call("GET", service, path)
        except APIError as err:
            if err.status == 404:
                return True
            raise
        return False

    def wait_status(what, get, want, log, timeout=STEP_TIMEOUT):
        def check():
            got = get()
            if got in ("ERROR", "error"):
                raise RuntimeError("%s went to %s (read %s)" % (what, got, log))
            return got == want
        wait_for("%s to reach %s (read %s)" % (what, want, log), check, timeout)

    try:
        server = u.call("POST", "compute", "/servers", body={"server": {
            "name": "tfacc-smoke", "flavorRef": cloud["flavor_id"], "key_name": cloud["keypair"],
            "networks": [{"uuid": cloud["network_id"]}],
            "block_device_mapping_v2": [{
                "boot_index": 0, "uuid": cloud["image_id"], "source_type": "image",
                "destination_type": "volume", "volume_size": 1, "delete_on_termination": True}]}})["server"]
        made["server"] = server["id"]
        wait_status("server (boot from a volume of the image)", lambda: server_status(server["id"]), "ACTIVE",
                    "logs/nova-compute.log, logs/nova-conductor.log, logs/cinder-volume.log, logs/neutron.log",
                    BUILD_TIMEOUT)
        addresses = u.call("GET", "compute", "/servers/" + server["id"])["server"]["addresses"]
        if cloud["network_name"] not in addresses:
            raise RuntimeError("server is ACTIVE without an address on %s: %s" % (cloud["network_name"], addresses))
        step("server ACTIVE, booted from a volume, address %s" % addresses[cloud["network_name"]][0]["addr"])

        vol = u.call("POST", "volumev3", "/volumes", body={"volume": {"name": "tfacc-smoke-data", "size": 1}})
        made["volume"] = vol["volume"]["id"]
        vid = made["volume"]
        wait_status("data volume", lambda: volume(vid)["status"], "available", "logs/cinder-volume.log")
        step("data volume available")

        u.call("POST", "compute", "/servers/%s/os-volume_attachments" % server["id"],
               body={"volumeAttachment": {"volumeId": vid}})
        wait_status("attached volume", lambda: volume(vid)["status"], "in-use",
                    "logs/nova-compute.log, logs/cinder-volume.log")
        step("data volume attached (in-use)")

        u.call("DELETE", "compute", "/servers/%s/os-volume_attachments/%s" % (server["id"], vid))
        wait_status("detached volume", lambda: volume(vid)["status"], "available",
                    "logs/nova-compute.log, logs/cinder-api.log: a volume that stays 'detaching' "
                    "means Cinder refused Nova's detach without a service token")
        step("data volume detached (available)")
    finally:
        cleanup(u, made, step, gone)


def cleanup(u, made, step, gone):
    if made["volume"]:
        try:
            u.call("DELETE", "volumev3", "/volumes/" + made["volume"])
        except APIError as err:
            step("volume delete answered %s" % err.status)
        wait_for("data volume deleted (logs/cinder-volume.log)",
                 lambda: gone("/volumes/" + made["volume"], "volumev3"))
        step("data volume deleted")
    if made["server"]:
        u.call("DELETE", "compute", "/servers/" + made["server"])
        wait_for("server deleted (logs/nova-compute.log)", lambda: gone("/servers/" + made["server"], "compute"))
        step("server deleted")
    # The boot volume goes with the server (delete_on_termination), the port with it.
    wait_for("no volume left in the test project (logs/cinder-volume.log)",
             lambda: not u.call("GET", "volumev3", "/volumes")["volumes"])
    wait_for("no port left in the test project (logs/neutron.log)",
             lambda: not u.call("GET", "network", "/v2.0/ports?device_owner=compute:nova")["ports"])
    step("nothing left: no server, volume or port")


COMMANDS = {"catalog": cmd_catalog, "wait-ready": cmd_wait_ready, "seed": cmd_seed, "smoke": cmd_smoke}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: cloud.py %s" % "|".join(COMMANDS))
    try:
        COMMANDS[sys.argv[1]]()
    except (APIError, RuntimeError, OSError, KeyError) as err:
        print("          %s: %s" % (sys.argv[1], err), file=sys.stderr)
        sys.exit(1)
