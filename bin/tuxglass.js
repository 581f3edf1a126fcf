#!/usr/bin/env node
import '../dist/src/host/cli.js';
