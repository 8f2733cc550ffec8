package lab.gradient.lessons;

import java.util.Optional;
import lab.gradient.training.CorpusSpec;

/** What a lesson started in a lab needs to know of the lab; the labs capability answers it. */
public interface LessonLabs {
    /** The corpus a lab's teacher fixed, by join code. */
    Optional<CorpusSpec> lockedCorpus(String joinCode);

    /** The lab with this join code as a lesson started in it by {@code owner} sees it; empty if there is none. */
    Optional<ClassOf> classOf(String joinCode, String owner);

    /**
     * @param seedOffset what the lab adds to every seed of {@code owner}'s experiments: their number in the class when
     *     each student has a seed of their own, 0 otherwise (and for the teacher)
     * @param owner who owns the class's own group of seeds (a lab on one seed trains it once for everyone)
     */
    record ClassOf(String labId, boolean seedPerStudent, long seedOffset, String owner) {}

    /** No labs: the command line's lessons. */
    LessonLabs NONE = new LessonLabs() {
        @Override
        public Optional<CorpusSpec> lockedCorpus(String joinCode) {
            return Optional.empty();
        }

        @Override
        public Optional<ClassOf> classOf(String joinCode, String owner) {
            return Optional.empty();
        }
    };
}
