/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network state (see netstate.h), read through netlink with
 * libnl-route-3: rtnetlink caches of links, addresses and routes (a route
 * dump names no table, so the kernel answers with every table's), the
 * kernel's route lookup for an SSH peer, and a sock_diag dump of the
 * established TCP sockets, sent and received with libnl-3's calls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/netstate.h"
#include "core/dlib_nl.h"
#include "core/util.h"

#define SSH_PORT 22
#define TCP_STATE_ESTABLISHED 1   /* include/net/tcp_states.h: TCP_ESTABLISHED */

struct net_link *netstate_link(const struct netstate *ns, int ifindex)
{
	for (size_t i = 0; i < ns->nlinks; i++)
		if (ns->links[i].ifindex == ifindex)
			return &ns->links[i];
	return NULL;
}

struct net_link *netstate_link_by_name(const struct netstate *ns, const char *name)
{
	for (size_t i = 0; i < ns->nlinks; i++)
		if (!strcmp(ns->links[i].name, name))
			return &ns->links[i];
	return NULL;
}

void netstate_add_link(struct netstate *ns, int ifindex, const char *name, const char *kind, int master,
		       int lower)
{
	struct net_link *l;

	ns->links = xrealloc(ns->links, (ns->nlinks + 1) * sizeof(*ns->links));
	l = &ns->links[ns->nlinks++];
	l->ifindex = ifindex;
	l->name = xstrdup(name);
	l->kind = kind && *kind ? xstrdup(kind) : NULL;
	l->master = master;
	l->lower = lower == ifindex ? 0 : lower;
}

/* text -> family and 16 bytes; an IPv4-mapped IPv6 address is taken as IPv4 */
static int parse_addr(const char *s, uint8_t out[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, out) == 1) {
		if (!memcmp(out, mapped, 12)) {
			memmove(out, out + 12, 4);
			memset(out + 4, 0, 12);
			return AF_INET;
		}
		return AF_INET6;
	}
	return 0;
}

bool netstate_add_addr(struct netstate *ns, int ifindex, const char *addr, unsigned int plen, int scope)
{
	struct net_addr a = { .ifindex = ifindex, .plen = plen, .scope = scope };

	a.family = parse_addr(addr, a.addr);
	if (!a.family)
		return false;
	ns->addrs = xrealloc(ns->addrs, (ns->naddrs + 1) * sizeof(*ns->addrs));
	ns->addrs[ns->naddrs++] = a;
	return true;
}

static void route_push(struct netstate *ns, const struct net_route *r)
{
	ns->routes = xrealloc(ns->routes, (ns->nroutes + 1) * sizeof(*ns->routes));
	ns->routes[ns->nroutes++] = *r;
}

bool netstate_add_route(struct netstate *ns, const char *dst, uint32_t table, int type, const int *oif,
			size_t noif)
{
	struct net_route r = { .table = table, .type = type };
	char *copy = xstrdup(dst), *slash = strchr(copy, '/');

	if (!strcmp(dst, "default")) {
		r.family = AF_INET;
	} else {
		if (slash)
			*slash = '\0';
		r.family = parse_addr(copy, r.dst);
		r.plen = slash ? (unsigned int)atoi(slash + 1) : r.family == AF_INET ? 32 : 128;
	}
	free(copy);
	if (!r.family)
		return false;
	r.oif = xmalloc((noif ? noif : 1) * sizeof(int));
	memcpy(r.oif, oif, noif * sizeof(int));
	r.noif = noif;
	route_push(ns, &r);
	return true;
}

bool netstate_add_ssh(struct netstate *ns, const char *local, unsigned int lport, const char *peer,
		      unsigned int pport, int oif)
{
	struct net_ssh s = { .lport = lport, .pport = pport, .oif = oif };
	int f1 = parse_addr(local, s.local), f2 = parse_addr(peer, s.peer);

	if (!f1 || f1 != f2)
		return false;
	s.family = f1;
	ns->ssh = xrealloc(ns->ssh, (ns->nssh + 1) * sizeof(*ns->ssh));
	ns->ssh[ns->nssh++] = s;
	return true;
}

bool netstate_add_ssh_connection(struct netstate *ns, const char *ssh)
{
	char cip[64], sip[64];
	unsigned int cport, sport;

	return ssh && sscanf(ssh, "%63s %u %63s %u", cip, &cport, sip, &sport) == 4 &&
	       netstate_add_ssh(ns, sip, sport, cip, cport, 0);
}

void netstate_free(struct netstate *ns)
{
	for (size_t i = 0; i < ns->nlinks; i++) {
		free(ns->links[i].name);
		free(ns->links[i].kind);
	}
	for (size_t i = 0; i < ns->nroutes; i++)
		free(ns->routes[i].oif);
	free(ns->links);
	free(ns->addrs);
	free(ns->routes);
	free(ns->ssh);
	memset(ns, 0, sizeof(*ns));
}

/* ---- netlink ---- */

static int nl_fail(char **why, int nlerr, const char *what)
{
	*why = xasprintf("netlink: %s: %s", what, nl_geterror(nlerr));
	return -EIO;
}

/* an nl_addr into 16 bytes; false when it is not an IPv4 or IPv6 one */
static bool addr_bytes(struct nl_addr *a, int *family, uint8_t out[16], unsigned int *plen)
{
	unsigned int len = a ? nl_addr_get_len(a) : 0;

	memset(out, 0, 16);
	if (!a)
		return false;
	*family = nl_addr_get_family(a);
	if ((*family != AF_INET || len > 4) && (*family != AF_INET6 || len > 16))
		return false;
	memcpy(out, nl_addr_get_binary_addr(a), len);
	if (plen)
		*plen = nl_addr_get_prefixlen(a);
	return true;
}

static int read_links(struct nl_sock *sk, struct netstate *ns, char **why)
{
	struct nl_cache *c;
	int err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &c);

	if (err < 0)
		return nl_fail(why, err, "links");
	for (struct nl_object *o = nl_cache_get_first(c); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		int32_t nsid;
		const char *name = rtnl_link_get_name(l);

		if (!name)
			continue;
		/* a lower device in another namespace (a veth peer) is not ours */
		netstate_add_link(ns, rtnl_link_get_ifindex(l), name, rtnl_link_get_type(l),
				  rtnl_link_get_master(l),
				  rtnl_link_get_link_netnsid(l, &nsid) == 0 ? 0 : rtnl_link_get_link(l));
	}
	nl_cache_free(c);
	return 0;
}

static int read_addrs(struct nl_sock *sk, struct netstate *ns, char **why)
{
	struct nl_cache *c;
	int err = rtnl_addr_alloc_cache(sk, &c);

	if (err < 0)
		return nl_fail(why, err, "addresses");
	for (struct nl_object *o = nl_cache_get_first(c); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct net_addr n = { .ifindex = rtnl_addr_get_ifindex(a), .scope = rtnl_addr_get_scope(a) };

		if (!addr_bytes(rtnl_addr_get_local(a), &n.family, n.addr, NULL))
			continue;
		n.plen = (unsigned int)rtnl_addr_get_prefixlen(a);
		ns->addrs = xrealloc(ns->addrs, (ns->naddrs + 1) * sizeof(*ns->addrs));
		ns->addrs[ns->naddrs++] = n;
	}
	nl_cache_free(c);
	return 0;
}

static int read_routes(struct nl_sock *sk, struct netstate *ns, char **why)
{
	struct nl_cache *c;
	int err = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &c);

	if (err < 0)
		return nl_fail(why, err, "routes");
	for (struct nl_object *o = nl_cache_get_first(c); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct net_route r = { .table = rtnl_route_get_table(rt), .type = rtnl_route_get_type(rt) };
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		int n = rtnl_route_get_nnexthops(rt);

		r.family = rtnl_route_get_family(rt);
		if (r.family != AF_INET && r.family != AF_INET6)
			continue;
		if (dst && !addr_bytes(dst, &r.family, r.dst, &r.plen))
			continue;
		r.oif = xmalloc((n > 0 ? (size_t)n : 1) * sizeof(int));
		for (int i = 0; i < n; i++) {
			int ifi = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(rt, i));

			if (ifi > 0)
				r.oif[r.noif++] = ifi;
		}
		route_push(ns, &r);
	}
	nl_cache_free(c);
	return 0;
}

/*
 * Routes through nexthop objects (ip nexthop; FRR installs its routes so):
 * the route names the object (RTA_NH_ID), the object its interface or its
 * group of objects. The kernel also writes the interface into the route
 * while net.ipv4.nexthop_compat_mode is 1, the default; with 0 only the
 * object tells, and libnl-route-3 3.7 does not read it: both are dumped
 * here with libnl-3's message calls.
 */
struct nh_obj {
	uint32_t id;
	int oif;
	uint32_t *group;
	size_t ngroup;
};

struct nh_arg {
	struct netstate *ns;
	struct nh_obj *v;
	size_t n;
};

static int nh_obj_msg(struct nl_msg *msg, void *arg)
{
	struct nh_arg *a = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[NHA_MAX + 1];
	struct nh_obj o = { 0 };

	if (h->nlmsg_type != RTM_NEWNEXTHOP || nlmsg_parse(h, sizeof(struct nhmsg), tb, NHA_MAX, NULL) < 0 ||
	    !tb[NHA_ID])
		return NL_OK;
	o.id = nla_get_u32(tb[NHA_ID]);
	if (tb[NHA_OIF])
		o.oif = (int)nla_get_u32(tb[NHA_OIF]);
	if (tb[NHA_GROUP]) {
		const struct nexthop_grp *g = nla_data(tb[NHA_GROUP]);
		size_t n = (size_t)nla_len(tb[NHA_GROUP]) / sizeof(*g);

		o.group = xmalloc((n ? n : 1) * sizeof(*o.group));
		for (size_t i = 0; i < n; i++)
			o.group[o.ngroup++] = g[i].id;
	}
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = o;
	return NL_OK;
}

static const struct nh_obj *nh_find(const struct nh_arg *a, uint32_t id)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].id == id)
			return &a->v[i];
	return NULL;
}

/* the interfaces of object id (a group: of its members) into r */
static void nh_oifs(const struct nh_arg *a, uint32_t id, struct net_route *r, int depth)
{
	const struct nh_obj *o = nh_find(a, id);

	if (!o || depth > 2)
		return;
	if (o->oif > 0) {
		r->oif = xrealloc(r->oif, (r->noif + 1) * sizeof(int));
		r->oif[r->noif++] = o->oif;
	}
	for (size_t i = 0; i < o->ngroup; i++)
		nh_oifs(a, o->group[i], r, depth + 1);
}

static int nh_route_msg(struct nl_msg *msg, void *arg)
{
	struct nh_arg *a = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm = nlmsg_data(h);
	struct net_route r = { 0 }, *same = NULL;

	if (h->nlmsg_type != RTM_NEWROUTE || nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) < 0 ||
	    !tb[RTA_NH_ID] || (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return NL_OK;
	r.family = rtm->rtm_family;
	r.table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	r.type = rtm->rtm_type;
	r.plen = rtm->rtm_dst_len;
	if (tb[RTA_DST] && nla_len(tb[RTA_DST]) == (r.family == AF_INET ? 4 : 16))
		memcpy(r.dst, nla_data(tb[RTA_DST]), (size_t)nla_len(tb[RTA_DST]));
	nh_oifs(a, nla_get_u32(tb[RTA_NH_ID]), &r, 0);
	/* the same route as libnl read it (with the interface in compat mode): one route */
	for (size_t i = 0; i < a->ns->nroutes && !same; i++) {
		struct net_route *o = &a->ns->routes[i];

		if (o->family == r.family && o->table == r.table && o->type == r.type && o->plen == r.plen &&
		    !memcmp(o->dst, r.dst, 16))
			same = o;
	}
	if (same) {
		for (size_t i = 0; i < r.noif; i++) {
			same->oif = xrealloc(same->oif, (same->noif + 1) * sizeof(int));
			same->oif[same->noif++] = r.oif[i];
		}
		free(r.oif);
	} else {
		route_push(a->ns, &r);
	}
	return NL_OK;
}

static int read_nexthop_routes(struct netstate *ns, char **why)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nh_arg arg = { .ns = ns };
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct rtmsg rtm = { .rtm_family = AF_UNSPEC };
	int err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err >= 0)
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, nh_obj_msg, &arg);
	if (err >= 0)
		err = nl_send_simple(sk, RTM_GETNEXTHOP, NLM_F_DUMP, &nhm, sizeof(nhm));
	/* a kernel before 5.3 has no nexthop objects, hence no route through one */
	if (err >= 0 && nl_recvmsgs_default(sk) >= 0 && arg.n) {
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, nh_route_msg, &arg);
		if (err >= 0)
			err = nl_send_simple(sk, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
		if (err >= 0)
			err = nl_recvmsgs_default(sk);
	}
	for (size_t i = 0; i < arg.n; i++)
		free(arg.v[i].group);
	free(arg.v);
	nl_socket_free(sk);
	return err < 0 ? nl_fail(why, err, "routes through nexthop objects") : 0;
}

/* the interface of the kernel's route to addr (policy rules included); 0 when none */
static int route_oif(struct nl_sock *sk, int family, const uint8_t addr[16])
{
	struct nl_addr *a = nl_addr_build(family, addr, family == AF_INET ? 4 : 16);
	struct rtnl_route *r = NULL;
	int oif = 0;

	if (!a)
		return 0;
	if (rtnl_route_lookup(sk, a, &r) >= 0 && r) {
		if (rtnl_route_get_nnexthops(r) > 0)
			oif = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0));
		rtnl_route_put(r);
	}
	nl_addr_put(a);
	return oif;
}

struct diag_arg {
	struct netstate *ns;
};

static int diag_msg(struct nl_msg *msg, void *arg)
{
	struct netstate *ns = ((struct diag_arg *)arg)->ns;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct inet_diag_msg *m = nlmsg_data(h);
	char local[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
	int f = m->idiag_family;

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || nlmsg_datalen(h) < (int)sizeof(*m) ||
	    (f != AF_INET && f != AF_INET6) || ntohs(m->id.idiag_sport) != SSH_PORT)
		return NL_OK;
	if (inet_ntop(f, m->id.idiag_src, local, sizeof(local)) &&
	    inet_ntop(f, m->id.idiag_dst, peer, sizeof(peer)))
		netstate_add_ssh(ns, local, SSH_PORT, peer, ntohs(m->id.idiag_dport), 0);
	return NL_OK;
}

/* the established TCP connections to local port 22 */
static int read_ssh_sockets(struct netstate *ns, char **why)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct diag_arg arg = { ns };
	int err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_SOCK_DIAG);
	if (err >= 0)
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, diag_msg, &arg);
	for (int f = 0; f < 2 && err >= 0; f++) {
		struct inet_diag_req_v2 req = {
			.sdiag_family = f ? AF_INET6 : AF_INET,
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = 1u << TCP_STATE_ESTABLISHED,
		};

		err = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req, sizeof(req));
		if (err >= 0)
			err = nl_recvmsgs_default(sk);
	}
	nl_socket_free(sk);
	return err < 0 ? nl_fail(why, err, "TCP sockets (sock_diag)") : 0;
}

int netstate_read(struct netstate *ns, const char *ssh_connection, char **why)
{
	struct nl_sock *sk;
	int err;

	memset(ns, 0, sizeof(*ns));
	*why = NULL;
	err = dlib_load(DLIB_NLROUTE);
	if (err)
		return err;
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0)
		err = nl_fail(why, err, "connect");
	if (!err)
		err = read_links(sk, ns, why);
	if (!err)
		err = read_addrs(sk, ns, why);
	if (!err)
		err = read_routes(sk, ns, why);
	if (!err)
		err = read_nexthop_routes(ns, why);
	if (!err && ssh_connection && *ssh_connection)
		netstate_add_ssh_connection(ns, ssh_connection);
	if (!err) {
		char *w = NULL;

		/* a kernel without sock_diag (CONFIG_INET_DIAG): $SSH_CONNECTION's session only */
		read_ssh_sockets(ns, &w);
		free(w);
	}
	for (size_t i = 0; !err && i < ns->nssh; i++)
		ns->ssh[i].oif = route_oif(sk, ns->ssh[i].family, ns->ssh[i].peer);
	nl_socket_free(sk);
	if (err)
		netstate_free(ns);
	return err;
}
