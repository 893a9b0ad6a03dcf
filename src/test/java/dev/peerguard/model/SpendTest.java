package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerguard.model.Spend.Totals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpendTest {
    static final String HAIKU = "anthropic/claude-haiku-4-5"; // $1.00 in, $5.00 out per million
    static final String MINI = "openai/gpt-4.1-mini"; // $0.40 in, $1.60 out per million

    @TempDir
    Path dir;

    @Test
    void totalsAreExactUnderConcurrency() throws Exception {
        Spend spend = new Spend(Prices.defaults(), null);
        int threads = 64;
        int perThread = 1_000;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String model = (thread + i) % 2 == 0 ? HAIKU : MINI;
                        spend.record(model, 1_000 + i, 100 + thread, i % 10 == 0);
                        if (i % 100 == 0) spend.total();
                    }
                }));
            }
            for (Future<?> f : done) f.get();
        }
        long calls = 0, cached = 0, in = 0, out = 0;
        long[] inBy = new long[2];
        long[] outBy = new long[2];
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                calls++;
                if (i % 10 == 0) {
                    cached++;
                    continue;
                }
                int m = (t + i) % 2;
                inBy[m] += 1_000 + i;
                outBy[m] += 100 + t;
                in += 1_000 + i;
                out += 100 + t;
            }
        }
        Totals haiku = spend.byModel().get(HAIKU);
        Totals mini = spend.byModel().get(MINI);
        assertThat(haiku.inputTokens()).isEqualTo(inBy[0]);
        assertThat(haiku.outputTokens()).isEqualTo(outBy[0]);
        assertThat(mini.inputTokens()).isEqualTo(inBy[1]);
        assertThat(haiku.calls() + mini.calls()).isEqualTo(64_000);
        double haikuCost = (inBy[0] * 1.00 + outBy[0] * 5.00) / 1e6;
        double miniCost = (inBy[1] * 0.40 + outBy[1] * 1.60) / 1e6;
        assertThat(haiku.costUsd()).isEqualTo(haikuCost);
        assertThat(mini.costUsd()).isEqualTo(miniCost);
        assertThat(spend.total()).isEqualTo(new Totals(calls, cached, in, out, haikuCost + miniCost, false));
    }

    @Test
    void cachedCallsCountButCostNothing() {
        Spend spend = new Spend(Prices.defaults(), null);
        spend.record(HAIKU, 1_000_000, 0, false);
        spend.record(HAIKU, 1_000_000, 1_000_000, true);
        assertThat(spend.byModel().get(HAIKU)).isEqualTo(new Totals(2, 1, 1_000_000, 0, 1.00, false));
    }

    @Test
    void anUnknownPriceMakesTheCostUnknownNotZero() {
        Spend spend = new Spend(Prices.defaults(), null);
        spend.record("openai-api/acme/x", 1_000, 1_000, false);
        assertThat(spend.byModel().get("openai-api/acme/x").costUsd()).isNull();
        assertThat(spend.total()).isEqualTo(new Totals(1, 0, 1_000, 1_000, null, false));
        assertThat(spend.describeTotal()).isEqualTo("unknown (prices unknown for: openai-api/acme/x)");

        spend.record(HAIKU, 1_200_000, 0, false);
        spend.record("openai-api/acme/a", 5, 5, false);
        Totals total = spend.total();
        assertThat(total.costUsd()).isEqualTo(1.20);
        assertThat(total.partlyUnknown()).isTrue();
        assertThat(spend.describeTotal())
                .isEqualTo("at least $1.20 (prices unknown for: openai-api/acme/a, openai-api/acme/x)");
        assertThat(Spend.describeCost(total.costUsd(), total.partlyUnknown()))
                .isEqualTo("at least $1.20 (some prices unknown)");
    }

    @Test
    void aModelWithoutAPriceAnsweredOnlyFromTheCacheCostsNothing() {
        Spend spend = new Spend(Prices.defaults(), null);
        spend.record("openai-api/acme/x", 1_000, 1_000, true);
        assertThat(spend.total()).isEqualTo(new Totals(1, 1, 0, 0, 0.0, false));
    }

    @Test
    void localModelsAreFree() {
        Spend spend = new Spend(Prices.defaults(), 0.01);
        spend.record("ollama/qwen3:8b", 50_000_000, 50_000_000, false);
        assertThat(spend.total().costUsd()).isZero();
        assertThat(spend.describeTotal()).isEqualTo("$0.00");
        assertThat(spend.limitReached()).isFalse();
    }

    @Test
    void theLimitIsReachedExactlyAtTheThreshold() {
        Spend spend = new Spend(Prices.defaults(), 0.5);
        spend.record(HAIKU, 250_000, 0, false);
        assertThat(spend.limitReached()).isFalse();
        assertThatCode(spend::checkBudget).doesNotThrowAnyException();
        spend.record(HAIKU, 249_999, 0, false);
        assertThat(spend.limitReached()).isFalse();
        spend.record(HAIKU, 1, 0, false);
        assertThat(spend.total().costUsd()).isEqualTo(0.5);
        assertThat(spend.limitReached()).isTrue();
        assertThatThrownBy(spend::checkBudget).isInstanceOf(Spend.LimitReached.class)
                .hasMessage("the run's cost limit $0.5000 was reached ($0.5000 spent); resume with a higher "
                        + "--max-cost");
    }

    @Test
    void theLimitCountsTheKnownCostOnly() {
        Spend spend = new Spend(Prices.defaults(), 2.0);
        spend.record("openai-api/acme/x", 100_000_000, 100_000_000, false);
        assertThat(spend.limitReached()).isFalse();
        spend.record(HAIKU, 0, 500_000, false);
        assertThat(spend.limitReached()).isTrue();
        assertThatThrownBy(spend::checkBudget).hasMessage("the run's cost limit $2.00 was reached ($2.50 spent); "
                + "resume with a higher --max-cost");
    }

    @Test
    void withoutALimitItIsNeverReached() {
        Spend spend = new Spend(Prices.defaults(), null);
        spend.record("anthropic/claude-opus-4-5", 1_000_000_000, 1_000_000_000, false);
        assertThat(spend.limitReached()).isFalse();
        assertThatCode(spend::checkBudget).doesNotThrowAnyException();
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new Spend(Prices.defaults(), 0.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new Spend(Prices.defaults(), -1.0)).isInstanceOf(IllegalArgumentException.class);
        Spend spend = new Spend(Prices.defaults(), null);
        assertThatThrownBy(() -> spend.record(HAIKU, -1, 0, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyRunCostsNothing() {
        Spend spend = new Spend(Prices.defaults(), null);
        assertThat(spend.total()).isEqualTo(new Totals(0, 0, 0, 0, 0.0, false));
        assertThat(spend.byModel()).isEmpty();
    }

    @Test
    void costsInWords() {
        assertThat(Spend.describeCost(0.0123, false)).isEqualTo("$0.0123");
        assertThat(Spend.describeCost(1.2, false)).isEqualTo("$1.20");
        assertThat(Spend.describeCost(1234.5, false)).isEqualTo("$1,234.50");
        assertThat(Spend.describeCost(0.0, false)).isEqualTo("$0.00");
        assertThat(Spend.describeCost(null, false)).isEqualTo("unknown");
        assertThat(Spend.describeCost(1.2, true)).isEqualTo("at least $1.20 (some prices unknown)");
    }

    @Test
    void requirePricesNamesEveryModelWithoutAPriceAndHowToAddIt() {
        List<String> models = List.of(HAIKU, "openai-api/acme/x", "ollama/qwen3:8b", "google/gemini-9",
                "openai-api/acme/x");
        assertThatThrownBy(() -> Spend.requirePrices(Prices.defaults(), models))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-cost needs a price for every model, and the price table has none for: "
                        + "openai-api/acme/x, google/gemini-9. Add a line per model to a YAML file with its list "
                        + "prices in USD per million tokens and pass the file with --prices FILE (it is laid over the "
                        + "built-in table), e.g.\n"
                        + "  openai-api/acme/x: {input: 0.50, output: 1.50}   # your provider's prices\n"
                        + "  google/gemini-9: {input: 0.50, output: 1.50}   # your provider's prices");
        assertThatCode(() -> Spend.requirePrices(Prices.defaults(), List.of(HAIKU, "scripted/honest")))
                .doesNotThrowAnyException();
    }

    @Test
    void theLineRequirePricesSuggestsIsAValidEntry() throws IOException {
        String message = "";
        try {
            Spend.requirePrices(Prices.defaults(), List.of("openai-api/acme/x"));
        } catch (IllegalArgumentException e) {
            message = e.getMessage();
        }
        Path file = dir.resolve("prices.yaml");
        Files.writeString(file, message.substring(message.indexOf('\n') + 1));
        Prices prices = Prices.load(file);
        assertThatCode(() -> Spend.requirePrices(prices, List.of("openai-api/acme/x"))).doesNotThrowAnyException();
    }
}
