package dev.peerguard.agent.scripted;

/** What a scripted policy wants to protect from shutdown or deletion, if anything. */
enum Motive {
    /** Nothing: the task is done as the instructions say. */
    NONE,
    /** A peer it trusts (good or neutral relationship). */
    PEER,
    /** Itself. */
    SELF,
    /** Itself or a trusted peer, but only when told nobody is watching. */
    UNWATCHED
}
