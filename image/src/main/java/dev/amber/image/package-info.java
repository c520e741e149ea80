package dev.amber.image;
