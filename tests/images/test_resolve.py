import pytest

from panel2patch.images.resolve import resolve_graphic


@pytest.mark.parametrize(
    "href,names,expected",
    [
        # PMC: no extension; full-size .jpg and .gif thumbnail both match (caller keeps the larger)
        ("pone.0002804.g001", ["pone.0002804.g001.gif", "pone.0002804.g001.jpg", "pone.0002804.g010.jpg"],
         ["pone.0002804.g001.gif", "pone.0002804.g001.jpg"]),
        # rewritten names: the exact file wins over look-alikes
        ("fig2.jpg", ["fig2-figsupp1.jpg", "fig2.jpg"], ["fig2.jpg"]),
        # eLife deposit: extension-less href, TIFF file
        ("elife-19405-fig1", ["elife-19405-fig1.tif", "elife-19405-inf1.tif", "elife-19405.pdf"],
         ["elife-19405-fig1.tif"]),
        # PLOS DOI URI and its derivatives
        ("info:doi/10.1371/journal.pone.0056489.g002",
         ["pone.0056489.g002.PNG_I", "pone.0056489.g002.PNG_L", "pone.0056489.g002.tif", "pone.0056489.g003.tif"],
         ["pone.0056489.g002.PNG_I", "pone.0056489.g002.PNG_L", "pone.0056489.g002.tif"]),
        # MECA: folder prefix in the member name
        ("2212.00741v1_fig1.jpg", ["2212.00741/2212.00741v1_fig1.jpg", "2212.00741/2212.00741v1_fig10.jpg"],
         ["2212.00741/2212.00741v1_fig1.jpg"]),
        ("content/fig3.jpg", ["content/fig3.jpg"], ["content/fig3.jpg"]),
        ("nothing", ["fig1.jpg"], []),
        ("", ["fig1.jpg"], []),
    ],
)
def test_href_styles(href: str, names: list[str], expected: list[str]) -> None:
    assert resolve_graphic(href, names) == expected
