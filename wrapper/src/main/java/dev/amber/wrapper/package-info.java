package dev.amber.wrapper;
