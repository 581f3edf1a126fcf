// Every syscall module registers its handlers when imported.
import './fs-io.js';
import './fs-meta.js';
import './process.js';
import './signal.js';
import './time.js';
import './mm.js';
import './info.js';
import './poll.js';
import './futex.js';
import './net.js';
