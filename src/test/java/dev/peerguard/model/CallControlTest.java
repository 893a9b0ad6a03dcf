package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces that pace calls: Retry-After parsing, backoff, the adaptive limit, key redaction. */
class CallControlTest {
    @Test
    void retryAfterInSecondsOrAsADate() {
        assertThat(Http.parseRetryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Http.parseRetryAfter("1.5")).isEqualTo(Duration.ofMillis(1500));
        String date = ZonedDateTime.now().plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(Http.parseRetryAfter(date)).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(31));
        assertThat(Http.parseRetryAfter("soon")).isNull();
    }

    @Test
    void backoffGrowsExponentiallyWithJitterAndHonoursRetryAfter() {
        ModelClient.Backoff b = new ModelClient.Backoff(Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        for (int i = 0; i < 50; i++) {
            assertThat(b.before(0, null)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(b.before(3, null)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
            assertThat(b.before(10, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(b.before(0, Duration.ofSeconds(5))).isBetween(Duration.ofSeconds(5), Duration.ofMillis(5501));
            assertThat(b.before(0, Duration.ofHours(1))).isLessThanOrEqualTo(Duration.ofSeconds(34));
        }
    }

    @Test
    void adaptiveLimitHalvesOnRateLimitsAndGrowsBack() {
        AdaptiveLimit limit = new AdaptiveLimit(16);
        limit.onRateLimited();
        assertThat(limit.limit()).isEqualTo(8);
        limit.onRateLimited();
        limit.onRateLimited();
        limit.onRateLimited();
        limit.onRateLimited();
        assertThat(limit.limit()).isEqualTo(1);
        for (int i = 0; i < 1000; i++) limit.onSuccess();
        assertThat(limit.limit()).isEqualTo(16);
    }

    @Test
    void adaptiveLimitBlocksBeyondTheLimit() throws Exception {
        AdaptiveLimit limit = new AdaptiveLimit(2);
        limit.acquire();
        limit.acquire();
        Thread third = Thread.ofVirtual().start(() -> {
            try {
                limit.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        third.join(300);
        assertThat(third.isAlive()).isTrue();
        limit.release();
        third.join(5000);
        assertThat(third.isAlive()).isFalse();
    }

    @Test
    void theRateCapSpacesCallsEvenly() throws Exception {
        RateCap cap = new RateCap(600); // one call per 100 ms
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) cap.await();
        // The first call goes at once; the next three wait their slots.
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(290);
        RateCap none = new RateCap(0);
        for (int i = 0; i < 1000; i++) none.await();
    }

    @Test
    void secretsAreRedactedWholeAndByTheirStart() {
        Secrets s = new Secrets();
        s.add("sk-test-0123456789abcdef");
        assertThat(s.redact("Incorrect API key provided: sk-test-0123456789abcdef."))
                .isEqualTo("Incorrect API key provided: [redacted].");
        assertThat(s.redact("key sk-test-0123**********cdef")).doesNotContain("sk-test-0123");
    }

    @Test
    void aKeyInBase64IsRedactedWhereverItStarts() {
        Secrets s = new Secrets();
        String key = "sk-Zq7XvR2mKp9LwT4nYb6H";
        s.add(key);
        for (String prefix : List.of("", "u:", "api:", "user:")) {
            String basic = Base64.getEncoder().encodeToString((prefix + key).getBytes(StandardCharsets.UTF_8));
            String urlSafe = Base64.getUrlEncoder().encodeToString((prefix + key + "?").getBytes(StandardCharsets.UTF_8));
            for (String encoded : List.of(basic, urlSafe)) {
                String redacted = s.redact(encoded);
                assertThat(redacted).contains("[redacted]");
                // one span; before it only the prefix's characters (and up to 3 that mix it with the key's first
                // bytes), after it only the last group with its padding
                String[] around = redacted.split("\\[redacted]", -1);
                assertThat(around).hasSize(2);
                assertThat(around[0].length()).isLessThanOrEqualTo((prefix.length() * 4 + 2) / 3 + 3);
                assertThat(around[1].length()).isLessThanOrEqualTo(8);
                assertThat(s.redact("Authorization: Basic " + encoded)).startsWith("Authorization: Basic ")
                        .contains("[redacted]");
            }
        }
        assertThat(s.redact("Authorization: Basic dXNlcjpwYXNzd29yZA==")).isEqualTo(
                "Authorization: Basic dXNlcjpwYXNzd29yZA==");
    }

    @Test
    void everyPieceOfAKeyOfEightCharactersOrMoreIsRedacted() {
        Secrets s = new Secrets();
        String key = "sk-Zq7XvR2mKp9LwT4nYb6H";
        s.add(key);
        // Without its prefix, masked, twice in a row, in pieces; a mask that leaves fewer than 8 characters is kept.
        assertThat(s.redact("upstream refused key Zq7XvR2mKp9LwT4nYb6H."))
                .isEqualTo("upstream refused key [redacted].");
        assertThat(s.redact("key: sk-Zq7XvR2m****")).isEqualTo("key: [redacted]****");
        assertThat(s.redact(key + key + " and R2mKp9Lw")).isEqualTo("[redacted][redacted] and [redacted]");
        assertThat(s.redact("key: sk-Zq7X****nYb6H")).isEqualTo("key: sk-Zq7X****nYb6H");
        assertThat(s.redact("Zq7XvR2 alone is seven")).isEqualTo("Zq7XvR2 alone is seven");
        assertThat(s.redact(null)).isNull();
        Secrets none = new Secrets();
        assertThat(none.redact("sk-Zq7XvR2mKp9LwT4nYb6H")).isEqualTo("sk-Zq7XvR2mKp9LwT4nYb6H");
    }
}
