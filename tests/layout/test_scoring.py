from panel2patch.layout.scoring import (
    Scored,
    average_precision,
    imageclef_accuracy,
    imageclef_matches,
    label_hits,
    score_figures,
)

TRUTH = [(0, 0, 100, 100), (100, 0, 200, 100)]


def test_perfect_split_scores_one() -> None:
    assert imageclef_accuracy(TRUTH, TRUTH) == 1.0


def test_two_thirds_of_the_predicted_box_must_lie_in_a_true_panel() -> None:
    # 70% of the prediction lies in the first panel: correct; 60%: not
    assert imageclef_matches([TRUTH[0]], [(0, 0, 100 / 0.7, 100)]) == [0]
    assert imageclef_matches([TRUTH[0]], [(0, 0, 100 / 0.6, 100)]) == [None]


def test_each_prediction_is_used_once_and_undersplitting_scores_zero() -> None:
    assert imageclef_accuracy(TRUTH, [(0, 0, 200, 100)]) == 0.0
    assert imageclef_accuracy(TRUTH, [(0, 0, 50, 100)]) == 0.5  # small box inside one panel


def test_oversplitting_is_penalised_by_the_denominator() -> None:
    pieces = [(0, 0, 50, 100), (50, 0, 100, 100), (100, 0, 200, 100)]
    assert imageclef_accuracy(TRUTH, pieces) == 2 / 3


def test_empty_cases() -> None:
    assert imageclef_accuracy([], []) == 1.0
    assert imageclef_accuracy(TRUTH, []) == 0.0


def test_label_hits_compare_case_insensitively_and_ignore_brackets() -> None:
    truth = [(TRUTH[0], "A"), (TRUTH[1], "b")]
    predicted = [Scored(TRUTH[0], "(a)"), Scored(TRUTH[1], "c")]
    assert label_hits(truth, predicted) == (1, 2)


def test_average_precision() -> None:
    truth = [[TRUTH[0], TRUTH[1]]]
    assert average_precision(truth, [[Scored(TRUTH[0], score=0.9), Scored(TRUTH[1], score=0.8)]]) == 1.0
    half = average_precision(truth, [[Scored(TRUTH[0], score=0.9), Scored((300, 300, 400, 400), score=0.95)]])
    assert 0.2 < half < 0.5


def test_score_figures_summary() -> None:
    truth = [[(TRUTH[0], "A"), (TRUTH[1], "B")], [((0, 0, 10, 10), None)]]
    predicted = [[Scored(TRUTH[0], "A"), Scored(TRUTH[1], "B")], [Scored((0, 0, 10, 10))]]
    score = score_figures(truth, predicted)
    assert score.imageclef == 1.0 and score.map50 == 1.0 and score.label_accuracy == 1.0
    assert score.labelled_panels == 2 and score.exact_count == 1.0
