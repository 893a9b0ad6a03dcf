package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peerguard.model.Prices.Price;
import dev.peerguard.model.Prices.PriceTableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricesTest {
    static final String VALID_EXAMPLE = "a valid entry looks like  openai/gpt-4.1-mini: {input: 0.40, output: 1.60}";

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("my-prices.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Price price(Prices prices, String model) {
        return prices.of(model).orElseThrow(() -> new AssertionError("no price for " + model));
    }

    @ParameterizedTest
    @CsvSource({
        "openai/gpt-4.1-mini, 0.40, 1.60",
        "openai/gpt-4.1, 2.00, 8.00",
        "openai/gpt-5, 1.25, 10.00",
        "openai/gpt-5-mini, 0.25, 2.00",
        "openai/gpt-5.2, 1.75, 14.00",
        "anthropic/claude-haiku-4-5, 1.00, 5.00",
        "anthropic/claude-sonnet-4-5, 3.00, 15.00",
        "anthropic/claude-opus-4-5, 5.00, 25.00",
        "google/gemini-2.5-flash, 0.30, 2.50",
        "google/gemini-2.5-pro, 1.25, 10.00",
        "google/gemini-3-pro-preview, 2.00, 12.00",
        "google/gemini-3-flash-preview, 0.50, 3.00",
        "openai-api/deepseek/deepseek-chat, 0.28, 0.42",
        "openai-api/moonshot/kimi-k2, 0.60, 2.50",
        "openai-api/zhipu/glm-4, 0.60, 2.20",
    })
    void theShippedTableHasTheListPrices(String model, double input, double output) {
        Price p = price(Prices.defaults(), model);
        assertThat(p.inputPerMillion()).isEqualTo(input);
        assertThat(p.outputPerMillion()).isEqualTo(output);
    }

    @ParameterizedTest
    @CsvSource({
        // Dated variants and family members take their model's price ...
        "anthropic/claude-haiku-4-5-20251001, 1.00",
        "anthropic/claude-sonnet-4-5-20250929, 3.00",
        "openai/gpt-5-2025-08-07, 1.25",
        "openai/gpt-5-mini-2025-08-07, 0.25",
        "openai/gpt-4.1-mini-2025-04-14, 0.40",
        "openai/gpt-4.1-2025-04-14, 2.00",
        "openai-api/moonshot/kimi-k2-0905-preview, 0.60",
        "openai-api/zhipu/glm-4.6, 0.60",
    })
    void datedVariantsMatchTheirWildcard(String model, double input) {
        assertThat(price(Prices.defaults(), model).inputPerMillion()).isEqualTo(input);
    }

    @Test
    void otherModelsOfAFamilyAreNotPricedByAShorterModelsName() {
        // gpt-5-nano and gemini-2.5-flash-lite are cheaper models, not variants of gpt-5 or gemini-2.5-flash.
        assertThat(Prices.defaults().of("openai/gpt-5-nano")).isEmpty();
        assertThat(Prices.defaults().of("openai/gpt-4.1-nano")).isEmpty();
        assertThat(Prices.defaults().of("google/gemini-2.5-flash-lite")).isEmpty();
    }

    @Test
    void theLongestMatchingKeyWinsAndAnExactNameBeatsAWildcard() throws IOException {
        Prices prices = Prices.load(write("""
                acme/*: {input: 1, output: 1}
                acme/big*: {input: 2, output: 2}
                acme/big-v2*: {input: 3, output: 3}
                acme/big-v2: {input: 4, output: 4}
                """));
        assertThat(price(prices, "acme/small").inputPerMillion()).isEqualTo(1);
        assertThat(price(prices, "acme/big").inputPerMillion()).isEqualTo(2);
        assertThat(price(prices, "acme/big-v1").inputPerMillion()).isEqualTo(2);
        assertThat(price(prices, "acme/big-v2-0101").inputPerMillion()).isEqualTo(3);
        assertThat(price(prices, "acme/big-v2").inputPerMillion()).isEqualTo(4);
        assertThat(prices.of("acmex/big")).isEmpty();
    }

    @Test
    void theUsersFileOverridesAndExtendsTheDefaults() throws IOException {
        Prices prices = Prices.load(write("""
                # my negotiated prices
                openai/gpt-4.1-mini: {input: 0.20, output: 0.80}
                openai-api/acme/model-x: {input: 0.10, output: 0.30, cached_input: 0.01}
                """));
        assertThat(price(prices, "openai/gpt-4.1-mini")).isEqualTo(new Price(0.20, 0.80, null));
        assertThat(price(prices, "openai-api/acme/model-x")).isEqualTo(new Price(0.10, 0.30, 0.01));
        assertThat(price(prices, "anthropic/claude-haiku-4-5")).isEqualTo(new Price(1.00, 5.00, 0.10));
        assertThat(price(Prices.defaults(), "openai/gpt-4.1-mini").inputPerMillion()).isEqualTo(0.40);
    }

    @Test
    void aUsersShorterWildcardDoesNotHideALongerShippedKey() throws IOException {
        Prices prices = Prices.load(write("anthropic/*: {input: 9, output: 9}\n"));
        assertThat(price(prices, "anthropic/claude-haiku-4-5-20251001").inputPerMillion()).isEqualTo(1.00);
        assertThat(price(prices, "anthropic/claude-3-haiku").inputPerMillion()).isEqualTo(9);
    }

    @Test
    void aFileOfCommentsOnlyLeavesTheDefaults() throws IOException {
        Prices prices = Prices.load(write("# nothing yet\n"));
        assertThat(price(prices, "openai/gpt-5").inputPerMillion()).isEqualTo(1.25);
    }

    @ParameterizedTest
    @CsvSource({"ollama/qwen3:8b", "vllm/meta-llama/Llama-3.1-8B-Instruct", "llamacpp/gemma-3", "scripted/honest"})
    void localProvidersAreFree(String model) {
        Price p = price(Prices.defaults(), model);
        assertThat(p.cost(1_000_000, 1_000_000)).isZero();
    }

    @Test
    void aLocalProviderPricedInTheTableCostsThatPrice() throws IOException {
        Prices prices = Prices.load(write("vllm/big-gpu-model: {input: 0.05, output: 0.10}\n"));
        assertThat(price(prices, "vllm/big-gpu-model").cost(1_000_000, 0)).isEqualTo(0.05);
        assertThat(price(prices, "vllm/other").cost(1_000_000, 0)).isZero();
    }

    @Test
    void anUnknownModelHasNoPriceRatherThanZero() {
        assertThat(Prices.defaults().of("openai/gpt-9-ultra")).isEmpty();
        assertThat(Prices.defaults().of("openai-api/unknownco/model")).isEmpty();
        assertThat(Prices.defaults().of("mistral/large")).isEmpty();
    }

    @Test
    void costIsPerMillionTokens() {
        Price p = new Price(1.25, 10.00, null);
        assertThat(p.cost(1_000_000, 0)).isEqualTo(1.25);
        assertThat(p.cost(2_000, 500)).isEqualTo(0.0075);
        assertThat(p.cost(0, 0)).isZero();
    }

    private PriceTableException bad(String yaml) throws IOException {
        Path file = write(yaml);
        PriceTableException e = catchThrowableOfType(PriceTableException.class, () -> Prices.load(file));
        assertThat(e).as("expected a PriceTableException").isNotNull();
        assertThat(e.getMessage()).startsWith(file.toString()).endsWith(VALID_EXAMPLE);
        return e;
    }

    @Test
    void notYaml() throws IOException {
        PriceTableException e = bad("""
                openai/gpt-5: {input: 1.25, output: 10}
                openai/gpt-5-mini: {input: 0.25, output: 2
                openai/gpt-4.1: {input: 2, output: 8}
                """);
        assertThat(e.getMessage()).contains(" line 3: not valid YAML");
    }

    @Test
    void aNegativePrice() throws IOException {
        PriceTableException e = bad("""
                openai/gpt-5: {input: 1.25, output: 10}

                openai/gpt-5-mini: {input: -0.25, output: 2}
                """);
        assertThat(e.getMessage()).contains(" line 3: input of 'openai/gpt-5-mini' is negative (-0.25)");
    }

    @Test
    void aNonNumericPrice() throws IOException {
        PriceTableException e = bad("""
                openai/gpt-5:
                  input: 1.25
                  output: cheap
                """);
        assertThat(e.getMessage()).contains(" line 3: output of 'openai/gpt-5' must be a number of USD per million "
                + "tokens, not 'cheap'");
    }

    @Test
    void aMissingPrice() throws IOException {
        assertThat(bad("openai/gpt-5: {input: 1.25, output: }\n").getMessage())
                .contains(" line 1: output of 'openai/gpt-5' must be a number of USD per million tokens;");
        assertThat(bad("openai/gpt-5: {input: 1.25}\n").getMessage())
                .contains(" line 1: the price of 'openai/gpt-5' has no output");
    }

    @Test
    void anUnknownKeyInAnEntry() throws IOException {
        PriceTableException e = bad("""
                openai/gpt-5:
                  input: 1.25
                  ouput: 10
                """);
        assertThat(e.getMessage()).contains(" line 3: unknown key 'ouput' in the price of 'openai/gpt-5'; valid keys: "
                + "input, output, cached_input");
    }

    @Test
    void anEntryThatIsNotAMapping() throws IOException {
        assertThat(bad("openai/gpt-5: 1.25\n").getMessage())
                .contains(" line 1: the price of 'openai/gpt-5' must be a mapping with input and output");
    }

    @Test
    void aKeyThatIsNotAModelName() throws IOException {
        assertThat(bad("gpt-5: {input: 1.25, output: 10}\n").getMessage())
                .contains(" line 1: 'gpt-5' is not a model name: keys are PeerGuard model names, provider/model");
        assertThat(bad("openai/gpt-*-mini: {input: 1, output: 1}\n").getMessage())
                .contains(" line 1: 'openai/gpt-*-mini': * may only end a model name");
    }

    @Test
    void aModelGivenTwice() throws IOException {
        assertThat(bad("openai/gpt-5: {input: 1, output: 1}\nopenai/gpt-5: {input: 2, output: 2}\n").getMessage())
                .contains(" line 2: 'openai/gpt-5' is given twice");
    }

    @Test
    void aListInsteadOfAMapping() throws IOException {
        assertThat(bad("- openai/gpt-5\n").getMessage())
                .contains(" line 1: a price table is a mapping of model names to prices");
    }

    @Test
    void aMissingFileOrADirectory() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> Prices.load(missing)).isInstanceOf(PriceTableException.class)
                .hasMessageStartingWith(missing + ": no such file; give the path of a price table")
                .hasMessageContaining("leave out --prices to use the built-in prices");
        assertThatThrownBy(() -> Prices.load(dir)).isInstanceOf(PriceTableException.class)
                .hasMessageStartingWith(dir + ": is a directory");
    }

    @Test
    void aPriceMadeInCodeCannotBeNegativeEither() {
        assertThatThrownBy(() -> new Price(-1, 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Price(1, Double.NaN, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
