package dev.amber.testkit;
