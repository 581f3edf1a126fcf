// The protocol families and netlink protocols built into the kernel; importing
// this registers them all (Linux's initcalls for net/).
import './netlink/af_netlink.js';
import './netlink/rtnetlink.js';
import './af_inet.js';
import './af_unix.js';
import './netlink/sock_diag.js';
import './netlink/nfnetlink.js';
