package dev.amber.api;
