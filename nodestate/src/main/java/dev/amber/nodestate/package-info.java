package dev.amber.nodestate;
