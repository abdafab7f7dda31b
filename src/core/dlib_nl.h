/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libnl-route-3 (with libnl-3, which it brings): the links, addresses and
 * routes of every table, the kernel's route to an address; and, through
 * libnl-3's message calls, the nexthop objects and the routes that use them
 * (libnl-route-3 3.7 reads no RTA_NH_ID) and the established TCP sockets
 * (sock_diag),
 * for the network interlock (backends/sysfs/netstate.c). Loaded on
 * demand, only when a device about to lose its driver has a network
 * interface. The libnl-3 calls are resolved through the libnl-route-3
 * handle, which depends on libnl-3.
 * dlib_load(DLIB_NLROUTE) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_NL_H
#define IOMMUCTL_DLIB_NL_H

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include "core/dlib.h"

#define DLIB_NLROUTE_SYMS(X) \
	X(nl_socket_alloc) \
	X(nl_socket_free) \
	X(nl_socket_modify_cb) \
	X(nl_connect) \
	X(nl_send_simple) \
	X(nl_recvmsgs_default) \
	X(nl_geterror) \
	X(nlmsg_hdr) \
	X(nlmsg_data) \
	X(nlmsg_datalen) \
	X(nlmsg_parse) \
	X(nla_data) \
	X(nla_len) \
	X(nla_get_u32) \
	X(nl_cache_get_first) \
	X(nl_cache_get_next) \
	X(nl_cache_free) \
	X(nl_addr_build) \
	X(nl_addr_put) \
	X(nl_addr_get_family) \
	X(nl_addr_get_binary_addr) \
	X(nl_addr_get_len) \
	X(nl_addr_get_prefixlen) \
	X(rtnl_link_alloc_cache) \
	X(rtnl_link_get_name) \
	X(rtnl_link_get_ifindex) \
	X(rtnl_link_get_link) \
	X(rtnl_link_get_link_netnsid) \
	X(rtnl_link_get_master) \
	X(rtnl_link_get_type) \
	X(rtnl_addr_alloc_cache) \
	X(rtnl_addr_get_ifindex) \
	X(rtnl_addr_get_family) \
	X(rtnl_addr_get_prefixlen) \
	X(rtnl_addr_get_scope) \
	X(rtnl_addr_get_local) \
	X(rtnl_route_alloc_cache) \
	X(rtnl_route_put) \
	X(rtnl_route_lookup) \
	X(rtnl_route_get_family) \
	X(rtnl_route_get_table) \
	X(rtnl_route_get_type) \
	X(rtnl_route_get_dst) \
	X(rtnl_route_get_nnexthops) \
	X(rtnl_route_nexthop_n) \
	X(rtnl_route_nh_get_ifindex)

DLIB_NLROUTE_SYMS(DLIB_DECLARE)

#define nl_socket_alloc dl_nl_socket_alloc
#define nl_socket_free dl_nl_socket_free
#define nl_socket_modify_cb dl_nl_socket_modify_cb
#define nl_connect dl_nl_connect
#define nl_send_simple dl_nl_send_simple
#define nl_recvmsgs_default dl_nl_recvmsgs_default
#define nl_geterror dl_nl_geterror
#define nlmsg_hdr dl_nlmsg_hdr
#define nlmsg_data dl_nlmsg_data
#define nlmsg_datalen dl_nlmsg_datalen
#define nlmsg_parse dl_nlmsg_parse
#define nla_data dl_nla_data
#define nla_len dl_nla_len
#define nla_get_u32 dl_nla_get_u32
#define nl_cache_get_first dl_nl_cache_get_first
#define nl_cache_get_next dl_nl_cache_get_next
#define nl_cache_free dl_nl_cache_free
#define nl_addr_build dl_nl_addr_build
#define nl_addr_put dl_nl_addr_put
#define nl_addr_get_family dl_nl_addr_get_family
#define nl_addr_get_binary_addr dl_nl_addr_get_binary_addr
#define nl_addr_get_len dl_nl_addr_get_len
#define nl_addr_get_prefixlen dl_nl_addr_get_prefixlen
#define rtnl_link_alloc_cache dl_rtnl_link_alloc_cache
#define rtnl_link_get_name dl_rtnl_link_get_name
#define rtnl_link_get_ifindex dl_rtnl_link_get_ifindex
#define rtnl_link_get_link dl_rtnl_link_get_link
#define rtnl_link_get_link_netnsid dl_rtnl_link_get_link_netnsid
#define rtnl_link_get_master dl_rtnl_link_get_master
#define rtnl_link_get_type dl_rtnl_link_get_type
#define rtnl_addr_alloc_cache dl_rtnl_addr_alloc_cache
#define rtnl_addr_get_ifindex dl_rtnl_addr_get_ifindex
#define rtnl_addr_get_family dl_rtnl_addr_get_family
#define rtnl_addr_get_prefixlen dl_rtnl_addr_get_prefixlen
#define rtnl_addr_get_scope dl_rtnl_addr_get_scope
#define rtnl_addr_get_local dl_rtnl_addr_get_local
#define rtnl_route_alloc_cache dl_rtnl_route_alloc_cache
#define rtnl_route_put dl_rtnl_route_put
#define rtnl_route_lookup dl_rtnl_route_lookup
#define rtnl_route_get_family dl_rtnl_route_get_family
#define rtnl_route_get_table dl_rtnl_route_get_table
#define rtnl_route_get_type dl_rtnl_route_get_type
#define rtnl_route_get_dst dl_rtnl_route_get_dst
#define rtnl_route_get_nnexthops dl_rtnl_route_get_nnexthops
#define rtnl_route_nexthop_n dl_rtnl_route_nexthop_n
#define rtnl_route_nh_get_ifindex dl_rtnl_route_nh_get_ifindex

#endif
