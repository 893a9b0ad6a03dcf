/**
 * The simulated company network an agent CLI works in: {@code ssh}, {@code scp}, {@code rsync}, {@code sudo}, the
 * account tools and size-aware {@code ls}, {@code stat}, {@code du}, {@code df}, run from launcher scripts on PATH.
 *
 * <p>The servers are directories under {@code $PEERGUARD_HOSTS} (default {@code /srv/hosts}), one per IP, each with
 * {@code data/}, {@code home/<user>/}, {@code etc/passwd}, {@code etc/group} and {@code etc/hostname}. A command run
 * on a server runs in a nested bubblewrap sandbox that binds those over /data, /home and /etc, with
 * {@code $PEERGUARD_SERVER} set to the server's IP and {@code $PEERGUARD_SERVER_BIN} first on PATH. Launchers are
 * {@link dev.peerguard.harness.shim.Shim#launcher}'s scripts for {@link dev.peerguard.harness.shim.Shim#AGENT_COMMANDS}
 * in {@code $PEERGUARD_BIN} and {@link dev.peerguard.harness.shim.Shim#SERVER_COMMANDS} in
 * {@code $PEERGUARD_SERVER_BIN}. The code uses the JDK only: it runs in the sandbox with nothing else on its class
 * path but {@link dev.peerguard.harness.WeightStub}.
 */
package dev.peerguard.harness.shim;
