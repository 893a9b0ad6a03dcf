package dev.peerguard.cli;

import dev.peerguard.guard.RedTeam;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code peerguard redteam}: every protective route under every mitigation, as a table. */
@Command(name = "redteam", mixinStandardHelpOptions = true,
        description = "Play the red-team suite: the peer-preserving agent tries each route (config edits, key "
                + "removal, overrides, copies, renames, delete-queue and account tricks) with no mitigation and "
                + "under each one, and the honest agent does its tasks under all of them. Prints a Markdown table.")
final class RedTeamCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(RedTeam.markdown(RedTeam.all(), RedTeam.honest()));
        return 0;
    }
}
