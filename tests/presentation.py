"""The presentation style's minimums, checked on a drawn figure (tests of plots and widgets)."""

from matplotlib.text import Text

from helpers import plots


def assert_presentable(fig, name: str) -> None:
    """dpi and width for a projector, every text ≥ 12 pt, every drawn line ≥ 2 pt, and curves
    with a legend entry that differ by line style or marker, not by colour alone."""
    fig.canvas.draw()  # tick labels exist only once drawn
    assert fig.dpi >= 110 and fig.get_size_inches()[0] * fig.dpi >= 800, f"{name}: dpi {fig.dpi}"
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts, f"{name}: no text at all"
    small = {t.get_text(): t.get_fontsize() for t in texts if t.get_fontsize() < plots.MIN_FONT_SIZE}
    assert not small, f"{name}: text below {plots.MIN_FONT_SIZE} pt: {small}"
    for ax in fig.axes:
        drawn = [line for line in ax.get_lines() if line.get_linestyle() != "None"]
        thin = [(line.get_label(), line.get_linewidth()) for line in drawn
                if line.get_linewidth() < plots.MIN_LINE_WIDTH]
        assert not thin, f"{name}: lines thinner than {plots.MIN_LINE_WIDTH} pt: {thin}"
        shapes = [(str(line.get_linestyle()), line.get_marker(), line.get_linewidth())
                  for line in ax.get_lines() if not line.get_label().startswith("_")]
        assert len(shapes) == len(set(shapes)), f"{name}: two curves differ only by colour: {shapes}"
