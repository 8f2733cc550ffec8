package lab.gradient.ui;

import lab.gradient.lessons.LessonService;

/** A lesson's verdict over its seeds, in words: the page says what the API's {@code seedGroup} and the command line say. */
final class SeedGroupWords {
    private SeedGroupWords() {}

    /** "The lesson's claim held on 4 of 5 seeds." — or, while seeds still train, how far it has come. */
    static String summary(LessonService.GroupVerdict verdict, int seeds) {
        int finished = verdict.finished(), holding = verdict.holding();
        if (finished == 0) return "The same lesson trains on " + seeds + " seeds, so that its claim shows as a law or as luck; none has finished yet.";
        if (finished < seeds) {
            return finished + " of " + seeds + " seeds have finished; so far the lesson's claim held on " + holding + " of " + finished + ".";
        }
        return "The lesson's claim held on " + holding + " of " + seeds + " seeds" + (holding == seeds ? ": every seed shows it."
                : holding == 0 ? ": on none of them." : ". The seeds where it did not are linked below.");
    }

    /** One check of the signature counted: "✓ on 5 of 5 seeds: LSTM long-range accuracy (≥ 0.9)". */
    static String count(LessonService.CheckCount c) {
        return (c.held() == c.of() ? "✓" : c.held() == 0 ? "✗" : "½") + " on " + c.held() + " of " + c.of() + " seeds: " + c.what()
                + " (" + c.rule() + ")";
    }
}
