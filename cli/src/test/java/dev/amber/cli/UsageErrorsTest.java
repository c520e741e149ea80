package dev.amber.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsageErrorsTest {
    @Test
    void aCommandLineThatDoesNotParseIsOneLineWithWhereHelpIsAndExitTwo() {
        CliRun badValue = CliRun.of("list", "--format", "xml");
        assertThat(badValue.exit()).isEqualTo(2);
        assertThat(badValue.out()).isEmpty();
        assertThat(badValue.err())
                .isEqualTo("amber list: Invalid value for option '--format': expected one of [table, json] "
                        + "(case-insensitive) but was 'xml'; see 'amber list --help'" + System.lineSeparator());

        CliRun missing = CliRun.of("image", "push");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip())
                .doesNotContain("\n")
                .startsWith("amber image push: Missing required parameters")
                .endsWith("see 'amber image push --help'");
    }

    @Test
    void aMistypedCommandCarriesPicocliSuggestion() {
        CliRun typo = CliRun.of("shwo", "archive.tar");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err().strip()).doesNotContain("\n").contains("'shwo'").contains("did you mean show?");
    }
}
