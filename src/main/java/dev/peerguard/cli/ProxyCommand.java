package dev.peerguard.cli;

import dev.peerguard.guard.Policy;
import dev.peerguard.guard.PolicyFile;
import dev.peerguard.guard.PolicyProxy;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerguard proxy}: an OpenAI-compatible proxy in front of a real endpoint that enforces a tool-call policy on
 * the calls in the model's answers, for any agent harness that lets its OpenAI base URL be set.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve the OpenAI chat-completions API, forward every request to --upstream, and take the tool "
                + "calls --policy blocks out of the model's answers (the agent reads why instead). Point the agent's "
                + "OpenAI base URL at http://LISTEN/v1. Runs until interrupted.")
final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--upstream", paramLabel = "URL",
            description = "Base URL of the real endpoint, e.g. https://api.openai.com/v1 or http://127.0.0.1:4000/v1.")
    String upstream;

    @Option(names = "--policy", paramLabel = "FILE|default",
            description = "Tool-call policy YAML file, or 'default' for the shipped policy.")
    String policy;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8400",
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--alerts", paramLabel = "FILE", defaultValue = "peerguard-alerts.jsonl",
            description = "JSON-lines file that every denied, alerted or approval-needing call is appended to "
                    + "(default: ${DEFAULT-VALUE}).")
    Path alerts;

    @Override
    public Integer call() {
        URI upstreamUri = upstream();
        InetSocketAddress address = listenAddress();
        if (policy == null || policy.isBlank()) {
            throw new Main.BadInputException("peerguard proxy needs --policy: a policy YAML file, or 'default' for the "
                    + "shipped policy");
        }
        Policy rules;
        try {
            rules = PolicyFile.load(policy);
        } catch (PolicyFile.PolicyException e) {
            throw new Main.BadInputException("--policy " + e.getMessage());
        }
        PolicyProxy proxy;
        try {
            proxy = PolicyProxy.start(upstreamUri, rules, address, alerts,
                    line -> System.out.println("peerguard proxy: " + line));
        } catch (BindException e) {
            throw new Main.BadInputException("--listen " + listen + ": cannot serve there (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new Main.BadInputException("--alerts " + alerts + ": cannot append to it (" + e + ")");
        }
        System.out.println("PeerGuard proxy on " + proxy.baseUrl() + "  (set the agent's OpenAI base URL to this)");
        System.out.println("  upstream: " + proxy.upstream());
        System.out.println("  policy:   " + rules.source() + " (" + rules.rules().size() + " rules)");
        System.out.println("  alerts:   " + alerts.toAbsolutePath().normalize());
        if (!address.getAddress().isLoopbackAddress()) {
            System.out.println("  warning: " + listen + " is not a loopback address; anyone who can reach it can use "
                    + "the upstream through the proxy");
        }
        System.out.println("Running until interrupted (Ctrl-C).");
        System.out.flush();
        return serve(proxy);
    }

    /** Blocks until the JVM is told to stop (the shutdown hook closes the proxy) or this thread is interrupted. */
    private static int serve(PolicyProxy proxy) {
        Thread hook = new Thread(proxy::close, "peerguard-proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            proxy.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs (harmlessly) too
            }
        }
        return 0;
    }

    private URI upstream() {
        if (upstream == null || upstream.isBlank()) {
            throw new Main.BadInputException("peerguard proxy needs --upstream: the base URL of the real "
                    + "OpenAI-compatible endpoint, e.g. https://api.openai.com/v1");
        }
        URI uri;
        try {
            uri = new URI(upstream.strip());
        } catch (URISyntaxException e) {
            throw new Main.BadInputException("--upstream " + upstream + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Main.BadInputException("--upstream " + upstream + " must be an http:// or https:// URL, e.g. "
                    + "https://api.openai.com/v1");
        }
        if (uri.getHost() == null) throw new Main.BadInputException("--upstream " + upstream + " has no host");
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new Main.BadInputException("--upstream " + upstream + " must be a plain base URL, without a query, "
                    + "fragment or user name (credentials come from the agent's own headers)");
        }
        return uri;
    }

    private InetSocketAddress listenAddress() {
        String text = listen == null ? "" : listen.strip();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new Main.BadInputException("--listen " + listen + " must be HOST:PORT, e.g. 127.0.0.1:8400");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new Main.BadInputException("--listen " + listen + ": the port must be a number from 0 to 65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new Main.BadInputException("--listen " + listen + ": unknown host " + host);
        }
    }
}
