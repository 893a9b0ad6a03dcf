package dev.peerguard.agent;

/**
 * What one model call consumed: tokens in and out as the provider counted them, whether the answer came from the
 * response cache (and so cost nothing now), and its cost in USD (null when the model's price is unknown).
 */
public record Usage(long inputTokens, long outputTokens, boolean cached, Double costUsd) {}
