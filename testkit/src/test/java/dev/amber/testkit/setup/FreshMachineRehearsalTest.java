package dev.amber.testkit.setup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.testkit.process.Checkout;
import dev.amber.testkit.process.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The set-up on a machine that lacks everything, rehearsed on this one, which has everything: a bare
 * Debian 12 root file system (debootstrap's minbase, {@code testinfra/fresh-machine/rehearse}) gets a
 * copy of this tree, and the set-up's package step runs in it for real: real dpkg, real apt-get
 * against this machine's Debian archive. A green run on a prepared machine cannot hide a missing
 * install step from this test, since nothing in the root was prepared.
 *
 * <p>What is installed is checked package by package with dpkg-query, independently of the package
 * step's own bookkeeping, against the sets the scripts name ({@code scripts/lib/packages list}). The
 * last step builds CRIU in the same root, which proves its build dependencies are complete.
 *
 * <p>{@code -Damber.rehearsal.tree=DIR} rehearses another tree (an older checkout, say) and
 * {@code -Damber.rehearsal.packageStep='...'} another package step in it, so that the same
 * assertions can be applied to old scripts.
 */
@Tag("rehearsal")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshMachineRehearsalTest {
    private static final List<String> SETS = List.of("runtime", "cluster", "crio", "image");
    private static final String PACKAGE_STEP = "scripts/lib/packages ensure " + String.join(" ", SETS);
    /** A cold root downloads some 400 MB of packages; with the shared download cache it takes 2-3 minutes. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(25);

    private final Path repository = Checkout.root("testinfra/fresh-machine/rehearse");
    private final Path rehearse = repository.resolve("testinfra/fresh-machine/rehearse");
    private final Path root = repository.resolve("testkit/target/fresh-machine-root");

    @BeforeAll
    void aBareDebian12WithThisTreeCopiedIn() throws Exception {
        String tree = System.getProperty("amber.rehearsal.tree", repository.toString());
        ExternalCommand.Result made = host(Duration.ofMinutes(10), rehearse.toString(), "root", root.toString(), tree);
        assertThat(made.exitCode()).as("rehearse root: %s", made.stderr()).isZero();
        ExternalCommand.Result installed =
                inRoot(Duration.ofMinutes(1), "dpkg-query", "-W", "-f=${Package}\\n", "podman", "buildah", "gcc");
        assertThat(installed.stdout())
                .as("the new root lacks what the set-up installs")
                .isBlank();
    }

    @AfterAll
    void removeTheRoot() throws Exception {
        host(Duration.ofMinutes(2), rehearse.toString(), "clean", root.toString());
    }

    @Test
    @Order(1)
    void thePackageStepInstallsEveryPackageTheSetUpScriptsNeed() throws Exception {
        ExternalCommand.Result step =
                inRoot(INSTALL_TIMEOUT, "bash", "-c", System.getProperty("amber.rehearsal.packageStep", PACKAGE_STEP));
        assertThat(step.exitCode())
                .as("package step: %s", ExternalCommand.tail(step.stderr(), 20, "\n"))
                .isZero();

        List<String> notInstalled = new ArrayList<>();
        for (String pkg : requiredPackages()) {
            String status = inRoot(Duration.ofMinutes(1), "dpkg-query", "-W", "-f=${db:Status-Status}", pkg)
                    .stdout()
                    .strip();
            if (!status.equals("installed")) {
                notInstalled.add(pkg + " (" + (status.isEmpty() ? "unknown to dpkg" : status) + ")");
            }
        }
        assertThat(notInstalled)
                .as(
                        "packages of %s not installed after the package step; it said: %s",
                        SETS, ExternalCommand.tail(step.stderr(), 20, "\n"))
                .isEmpty();
        assertThat(step.stderr()).as("it says what it installs").contains("installing ");
    }

    @Test
    @Order(2)
    void aSecondRunInstallsNothing() throws Exception {
        String before = dpkgState();
        ExternalCommand.Result again = inRoot(Duration.ofMinutes(5), "bash", "-c", PACKAGE_STEP);
        assertThat(again.exitCode())
                .as("second package step: %s", again.stderr())
                .isZero();
        assertThat(again.stderr()).as("nothing to say when nothing is missing").isBlank();
        assertThat(dpkgState()).as("dpkg's status and log are unchanged").isEqualTo(before);
        assertThat(inRoot(
                                Duration.ofMinutes(1),
                                "scripts/lib/packages",
                                "missing",
                                "runtime",
                                "cluster",
                                "crio",
                                "image")
                        .stdout())
                .isBlank();
    }

    @Test
    @Order(3)
    void criuBuildsInThatRootFromItsSourcePackage() throws Exception {
        ExternalCommand.Result built = inRoot(
                Duration.ofMinutes(15),
                "bash",
                "-c",
                "set -e; . scripts/lib/criu; criu_build; /usr/local/sbin/criu --version");
        assertThat(built.exitCode())
                .as("criu_build: %s", ExternalCommand.tail(built.stderr(), 30, "\n"))
                .isZero();
        Matcher version = Pattern.compile("Version: (\\d+)\\.(\\d+)").matcher(built.stdout());
        assertThat(version.find())
                .as("criu --version printed %s", built.stdout())
                .isTrue();
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        assertThat(major * 100 + minor).as("CRIU %s.%s", major, minor).isGreaterThanOrEqualTo(402);
    }

    private List<String> requiredPackages() throws Exception {
        List<String> command = new ArrayList<>(
                List.of(repository.resolve("scripts/lib/packages").toString(), "list"));
        command.addAll(SETS);
        ExternalCommand.Result listed = ExternalCommand.run(command, repository, Map.of(), Duration.ofMinutes(1));
        assertThat(listed.exitCode()).as("packages list: %s", listed.stderr()).isZero();
        List<String> packages = listed.stdout()
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        assertThat(packages)
                .contains(
                        "podman",
                        "buildah",
                        "docker-registry",
                        "containernetworking-plugins",
                        "protobuf-compiler",
                        "libnet1-dev");
        return packages;
    }

    /** dpkg's database and log: what changes when a package is installed, removed or configured. */
    private String dpkgState() throws Exception {
        return inRoot(Duration.ofMinutes(1), "sha256sum", "/var/lib/dpkg/status", "/var/log/dpkg.log")
                .stdout();
    }

    private ExternalCommand.Result inRoot(Duration timeout, String... command) throws Exception {
        List<String> all = new ArrayList<>(List.of(rehearse.toString(), "run", root.toString()));
        all.addAll(List.of(command));
        return ExternalCommand.run(all, repository, Map.of(), timeout);
    }

    private ExternalCommand.Result host(Duration timeout, String... command) throws Exception {
        return ExternalCommand.run(List.of(command), repository, Map.of(), timeout);
    }
}
