package dev.amber.testkit.setup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.testkit.process.Checkout;
import dev.amber.testkit.process.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell libraries every set-up script stands on, run by bash on this machine's real dpkg: the
 * package step's view of what is missing, the one-line report of where a script stopped, and retries.
 * The fresh-machine rehearsal runs them end to end; these pin the cases that broke before.
 */
class SetUpScriptsTest {
    private final Path repository = Checkout.root("scripts/lib/packages");

    @Test
    void missingPackagesAreFoundWhetherNoneSomeOrAllAreInstalled() throws Exception {
        // Under set -euo pipefail, as in the scripts: dpkg-query exits 1 whenever one name is not installed.
        String missing =
                "set -euo pipefail; . scripts/lib/packages; m=$(amber_missing_packages \"$@\"); for p in $m; do printf '[%s]' \"$p\"; done";
        assertThat(bash(missing, "bash", "coreutils").stdout()).isEmpty();
        assertThat(bash(missing, "bash", "amber-no-such-package", "coreutils").stdout())
                .isEqualTo("[amber-no-such-package]");
        assertThat(bash(missing, "amber-no-such-b", "amber-no-such-a").stdout())
                .isEqualTo("[amber-no-such-a][amber-no-such-b]");
    }

    @Test
    void anUnknownPackageSetIsOneLineAndExitTwo() throws Exception {
        ExternalCommand.Result result = run(List.of("scripts/lib/packages", "missing", "runtime", "no-such-set"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().lines())
                .containsExactly("packages: no package set 'no-such-set' (sets: runtime cluster crio image rehearsal)");
    }

    @Test
    void aScriptThatStopsOnAFailingPipelineSaysWhereAndWhat(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("stops");
        Files.writeString(script, """
                . "$1/scripts/lib/errors"
                amber_errors_trap stops
                count() { local n; n=$(dpkg-query -W amber-no-such-package 2>/dev/null | wc -l); echo "$n"; }
                count
                echo "not reached"
                """);
        ExternalCommand.Result result = run(List.of("bash", script.toString(), repository.toString()));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).doesNotContain("not reached");
        assertThat(result.stderr().lines())
                .containsExactly("stops: stopped at " + script
                        + ":3 (in count): `n=$(dpkg-query -W amber-no-such-package 2> /dev/null | wc -l)` exited 1");
    }

    @Test
    void aScriptThatReportsItsOwnFailureIsNotReportedTwice(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("reports");
        Files.writeString(script, """
                . "$1/scripts/lib/errors"
                amber_errors_trap reports
                echo "reports: the registry is not reachable" >&2
                exit 3
                """);
        ExternalCommand.Result result = run(List.of("bash", script.toString(), repository.toString()));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr().lines()).containsExactly("reports: the registry is not reachable");
    }

    @Test
    void aTransientFailureIsTriedAgainAndALastingOneShowsItsOwnError(@TempDir Path dir) throws Exception {
        String flaky =
                "set -euo pipefail; . scripts/lib/retry; AMBER_SCRIPT_NAME=t AMBER_RETRY_PAUSE=0 amber_retry fetch bash -c "
                        + "'n=$(cat \"$1\" 2>/dev/null || echo 0); echo $((n + 1)) >\"$1\"; [ $n -ge 2 ] || { echo \"refused $n\" >&2; exit 7; }; echo fetched' _ "
                        + dir.resolve("attempts");
        ExternalCommand.Result recovered = bash(flaky);
        assertThat(recovered.exitCode()).isZero();
        assertThat(recovered.stdout()).isEqualTo("fetched\n");
        assertThat(recovered.stderr().lines())
                .containsExactly(
                        "t: fetch failed (exit 7: refused 0); trying again in 0s (attempt 2 of 3)",
                        "t: fetch failed (exit 7: refused 1); trying again in 0s (attempt 3 of 3)");

        ExternalCommand.Result lasting = bash(
                "set -euo pipefail; . scripts/lib/retry; "
                        + "AMBER_SCRIPT_NAME=t AMBER_RETRY_PAUSE=0 AMBER_RETRY_ATTEMPTS=2 amber_retry fetch bash -c 'echo \"no route\" >&2; exit 6'");
        assertThat(lasting.exitCode()).isEqualTo(6);
        assertThat(lasting.stderr().lines())
                .containsExactly(
                        "t: fetch failed (exit 6: no route); trying again in 0s (attempt 2 of 2)",
                        "no route",
                        "t: fetch failed 2 times (exit 6); its last error is above");
    }

    private ExternalCommand.Result bash(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "test"));
        command.addAll(List.of(args));
        return run(command);
    }

    private ExternalCommand.Result run(List<String> command) throws Exception {
        return ExternalCommand.run(command, repository, Map.of(), Duration.ofSeconds(60));
    }
}
