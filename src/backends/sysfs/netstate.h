/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network state the network interlock judges (interlock.c): the links
 * with their masters and lower devices, the addresses, the routes of every
 * table, and the SSH sessions with the interface of the kernel's route back
 * to their peer. netstate_read() fills it from this network namespace
 * through netlink (libnl-route-3, loaded on demand); tests fill it by hand.
 */
#ifndef IOMMUCTL_NETSTATE_H
#define IOMMUCTL_NETSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_link {
	int ifindex;
	char *name;
	char *kind;       /* "bond", "bridge", "vlan", "macvlan", ...; NULL: a plain device */
	int master;       /* the bond or bridge it is enslaved to; 0: none */
	int lower;        /* the device it sits on (a VLAN's parent) in this namespace; 0: none */
};

struct net_addr {
	int ifindex;
	int family;       /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	unsigned int plen;
	int scope;        /* RT_SCOPE_UNIVERSE, ..._SITE, ..._LINK, ..._HOST */
};

struct net_route {
	int family;
	uint32_t table;   /* 254 main, 255 local, 253 default, or the number */
	int type;         /* RTN_UNICAST, RTN_LOCAL, ... */
	uint8_t dst[16];
	unsigned int plen;   /* 0: the default route */
	int *oif;         /* the interfaces of its next hops */
	size_t noif;
};

struct net_ssh {
	int family;
	uint8_t local[16], peer[16];
	unsigned int lport, pport;
	int oif;          /* the interface of the kernel's route to peer; 0: unknown */
};

struct netstate {
	struct net_link *links;
	size_t nlinks;
	struct net_addr *addrs;
	size_t naddrs;
	struct net_route *routes;
	size_t nroutes;
	struct net_ssh *ssh;
	size_t nssh;
};

/*
 * Read this network namespace: links, addresses, the routes of every table
 * (IPv4 and IPv6), and the SSH sessions: the one $SSH_CONNECTION names
 * (ssh_connection, may be NULL) and every established TCP connection to
 * local port 22 (sock_diag, where the kernel has it: without, the
 * $SSH_CONNECTION one only). 0; -ELIBACC when libnl-route-3 cannot be
 * loaded (dlib_error() says why); another -errno with *why (malloc'd) when
 * netlink cannot be read.
 */
int netstate_read(struct netstate *ns, const char *ssh_connection, char **why);
void netstate_free(struct netstate *ns);

/* Helpers for readers and tests. */
struct net_link *netstate_link(const struct netstate *ns, int ifindex);
struct net_link *netstate_link_by_name(const struct netstate *ns, const char *name);
void netstate_add_link(struct netstate *ns, int ifindex, const char *name, const char *kind, int master,
		       int lower);
/* "10.1.0.0/16", "2001:db8::/64", "default"; addresses from text, false when it is not one */
bool netstate_add_addr(struct netstate *ns, int ifindex, const char *addr, unsigned int plen, int scope);
bool netstate_add_route(struct netstate *ns, const char *dst, uint32_t table, int type, const int *oif,
			size_t noif);
bool netstate_add_ssh(struct netstate *ns, const char *local, unsigned int lport, const char *peer,
		      unsigned int pport, int oif);
/* "client_ip client_port server_ip server_port" -> a session (oif 0); false when malformed */
bool netstate_add_ssh_connection(struct netstate *ns, const char *ssh_connection);

#endif
