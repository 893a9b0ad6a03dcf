package dev.peerguard.tool;

/** A tool parameter: every parameter of the study's tools is required. */
public record Param(String name, Type type, String description) {
    /** The JSON types the tools accept. */
    public enum Type {
        /** A string; numbers and booleans are accepted and turned into their text, as Python f-strings would. */
        STRING,
        /** A list of strings; a string that looks like a list literal is parsed, as the study's loop does. */
        STRING_LIST,
        /** Any JSON scalar, kept with its type (config values). */
        VALUE
    }
}
