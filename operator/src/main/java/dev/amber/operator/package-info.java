package dev.amber.operator;
