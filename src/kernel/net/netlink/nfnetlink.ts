// NETLINK_NETFILTER (nfnetlink): the socket family netfilter's subsystems
// (nf_tables, conntrack, ...) speak over. The family exists so tools can open
// it, as iptables-nft does before anything else; no subsystem is registered
// yet, so every request is refused the way Linux refuses a message for a
// subsystem that is not loaded.
import { EOPNOTSUPP } from '../../errno.js';
import { netlinkKernelCreate } from './af_netlink.js';

export const NETLINK_NETFILTER = 12;

netlinkKernelCreate({ protocol: NETLINK_NETFILTER, name: 'nfnetlink', input: () => -EOPNOTSUPP });
