package dev.amber.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.aggregator.ArgumentsAccessor;
import org.junit.jupiter.params.provider.CsvSource;

/** Every pair of phases against the transitions RestorePhase's Javadoc lists. */
class RestorePhaseTest {
    @Test
    void theTableHasAColumnForEveryPhaseInDeclarationOrder() {
        assertThat(RestorePhase.values())
                .containsExactly(
                        RestorePhase.Pending, RestorePhase.Restoring, RestorePhase.Running, RestorePhase.Failed);
    }

    @ParameterizedTest(name = "from {0}")
    @CsvSource(textBlock = """
            # from,    to Pending, Restoring, Running, Failed, terminal
            Pending,   yes,        yes,       no,      yes,    no
            Restoring, no,         yes,       yes,     yes,    no
            Running,   no,         no,        yes,     no,     yes
            Failed,    no,         no,        no,      yes,    yes
            """)
    void transitionsAreExactlyTheTable(ArgumentsAccessor row) {
        RestorePhase from = RestorePhase.valueOf(row.getString(0));
        RestorePhase[] phases = RestorePhase.values();
        assertThat(row.size()).as("columns of the %s row", from).isEqualTo(phases.length + 2);
        for (int i = 0; i < phases.length; i++) {
            assertThat(from.canMoveTo(phases[i]))
                    .as("%s -> %s", from, phases[i])
                    .isEqualTo(yes(row.getString(i + 1)));
        }
        assertThat(from.terminal()).as("%s terminal", from).isEqualTo(yes(row.getString(phases.length + 1)));
    }

    @Test
    void aTerminalPhaseIsOneNoTransitionLeaves() {
        for (RestorePhase from : RestorePhase.values()) {
            boolean leaves = false;
            for (RestorePhase to : RestorePhase.values()) {
                leaves |= to != from && from.canMoveTo(to);
            }
            assertThat(from.terminal()).as("%s", from).isEqualTo(!leaves);
        }
    }

    @Test
    void nullIsNoPhase() {
        assertThatThrownBy(() -> RestorePhase.Pending.canMoveTo(null)).isInstanceOf(NullPointerException.class);
    }

    private static boolean yes(String cell) {
        assertThat(cell).isIn("yes", "no");
        return cell.equals("yes");
    }
}
