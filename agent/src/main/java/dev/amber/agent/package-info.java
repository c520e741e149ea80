package dev.amber.agent;
