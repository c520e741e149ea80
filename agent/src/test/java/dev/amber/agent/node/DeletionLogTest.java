package dev.amber.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Real and would-be deletions are counted apart; a dry run counts each archive once; the list is bounded. */
class DeletionLogTest {
    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void wouldBeDeletionsAreNotDeletionsAndCountOncePerArchive() {
        DeletionLog log = new DeletionLog();
        assertThat(log.wouldDelete("a.tar", "max-checkpoints", T)).isTrue();
        assertThat(log.wouldDelete("a.tar", "max-checkpoints", T.plusSeconds(60)))
                .as("judged again by the next pass")
                .isFalse();
        assertThat(log.wouldDelete("b.tar", "orphan", T.plusSeconds(60))).isTrue();

        DeletionLog.Snapshot snapshot = log.snapshot();
        assertThat(snapshot.deletedTotal()).isZero();
        assertThat(snapshot.wouldDeleteTotal()).isEqualTo(2);
        assertThat(snapshot.recent()).extracting(NodeReport.Deletion::archive).containsExactly("b.tar", "a.tar");
    }

    @Test
    void keepsTheNewestDeletionsOnlyButCountsAll() {
        DeletionLog log = new DeletionLog();
        int total = DeletionLog.RECENT + 10;
        for (int i = 0; i < total; i++) {
            log.deleted(i + ".tar", "max-age", T.plusSeconds(i));
        }
        DeletionLog.Snapshot snapshot = log.snapshot();
        assertThat(snapshot.deletedTotal()).isEqualTo(total);
        assertThat(snapshot.wouldDeleteTotal()).isZero();
        assertThat(snapshot.recent()).hasSize(DeletionLog.RECENT);
        assertThat(snapshot.recent().getFirst().archive()).isEqualTo((total - 1) + ".tar");
        assertThat(snapshot.recent().getLast().archive()).isEqualTo((total - DeletionLog.RECENT) + ".tar");
    }
}
