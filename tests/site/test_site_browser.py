"""The built site in headless Debian Chromium: graph, navigation, score plot, escaping.

Screenshots go to test-artifacts/site/.
"""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def wait_graph(browser, timeout: float = 15.0):
    WebDriverWait(browser, timeout).until(
        lambda d: (
            d.execute_script("return window.__graphReady !== undefined")
            or d.find_element(By.ID, "taxonomy-graph").get_attribute("data-error")
        )
    )
    host = browser.find_element(By.ID, "taxonomy-graph")
    assert host.get_attribute("data-error") is None, host.get_attribute("data-error")
    return host


def test_home_graph_renders_every_node(built_site, browser, sample, artifacts) -> None:
    _, url = built_site
    browser.get(url)
    host = wait_graph(browser)
    nodes = browser.find_elements(By.CSS_SELECTOR, "#taxonomy-graph a.gnode")
    assert len(nodes) == len(sample.registry.nodes) == int(host.get_attribute("data-nodes"))
    edges = browser.find_elements(By.CSS_SELECTOR, "#taxonomy-graph .edges line")
    assert len(edges) == sum(len(n.parents) for n in sample.registry.nodes)
    # every node box is laid out with a real size on screen
    assert all(n.rect["width"] > 0 and n.rect["height"] > 0 for n in nodes)
    browser.save_screenshot(str(artifacts / "home.png"))


def test_graph_filters_by_level_and_searches(built_site, browser, sample, artifacts) -> None:
    _, url = built_site
    browser.get(url)
    host = wait_graph(browser)
    elements = sum(n.kind == "element" for n in sample.registry.nodes)
    browser.find_element(By.CSS_SELECTOR, "input[data-kind='element']").click()
    assert int(host.get_attribute("data-visible")) == len(sample.registry.nodes) - elements
    hidden = [
        n
        for n in browser.find_elements(By.CSS_SELECTOR, "a.gnode.kind-element")
        if n.is_displayed()
    ]
    assert hidden == []
    search = browser.find_element(By.CSS_SELECTOR, "input.graph-search")
    search.send_keys("induction")
    matches = browser.find_elements(By.CSS_SELECTOR, "a.gnode.match")
    assert [m.get_attribute("data-id") for m in matches] == ["induction-heads"]
    listed = browser.find_elements(By.CSS_SELECTOR, ".graph-matches a")
    assert [a.text for a in listed] == ["Induction Heads"]
    browser.save_screenshot(str(artifacts / "home-filtered.png"))


def test_click_node_opens_its_page_with_score_plot(built_site, browser, artifacts) -> None:
    _, url = built_site
    browser.get(url)
    wait_graph(browser)
    target = browser.find_element(By.CSS_SELECTOR, "a.gnode[data-id='copying-novel-entities']")
    target.click()
    WebDriverWait(browser, 10).until(ec.url_contains("/nodes/copying-novel-entities/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Copying Novel Entities"
    plot = browser.find_element(By.CSS_SELECTOR, "svg.score-plot")
    assert plot.is_displayed() and plot.rect["width"] > 200
    assert len(plot.find_elements(By.CSS_SELECTOR, "circle.score-point")) == 3
    assert len(plot.find_elements(By.CSS_SELECTOR, "g.ci-bar")) == 3
    plot.screenshot(str(artifacts / "score-plot.png"))
    browser.save_screenshot(str(artifacts / "node-page.png"))


def test_hostile_node_text_is_shown_as_text(built_site, browser, sample, artifacts) -> None:
    _, url = built_site
    browser.get(url + "nodes/hostile-node/")
    article = browser.find_element(By.CSS_SELECTOR, "article")
    assert browser.find_element(By.TAG_NAME, "h1").text == sample.hostile_name
    assert " ".join(sample.hostile_summary.split()) in article.text
    assert browser.execute_script("return window.__pwned === undefined")
    assert article.find_elements(By.CSS_SELECTOR, "img, b, i") == []
    browser.get(url + "nodes/copying-novel-entities/")
    assert (
        "<script>window.__pwned=5</script>"
        in browser.find_element(By.CSS_SELECTOR, ".examples").text
    )
    assert browser.execute_script("return window.__pwned === undefined")
    browser.save_screenshot(str(artifacts / "hostile-node.png"))


def test_model_table_sorts_by_score(built_site, browser, artifacts) -> None:
    _, url = built_site
    browser.get(url + "models/zoo-tiny-transformer/")
    header = browser.find_elements(By.CSS_SELECTOR, ".model-scores th")[2]
    header.click()

    def scores():
        rows = browser.find_elements(By.CSS_SELECTOR, ".model-scores tbody tr")
        return [float(r.find_elements(By.TAG_NAME, "td")[2].text) for r in rows]

    assert scores() == sorted(scores()) and len(scores()) == 4
    header.click()
    assert scores() == sorted(scores(), reverse=True)


def test_compare_picker_opens_the_pair_page(built_site, browser, artifacts) -> None:
    _, url = built_site
    browser.get(url + "compare/")
    form = browser.find_element(By.CSS_SELECTOR, "form.compare-picker")
    form.find_element(
        By.CSS_SELECTOR, "select[name='a'] option[value='zoo-tiny-transformer']"
    ).click()
    form.find_element(By.CSS_SELECTOR, "select[name='b'] option[value='zoo-tiny-rnn']").click()
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, 10).until(ec.url_contains("zoo-tiny-rnn--zoo-tiny-transformer"))
    assert "against" in browser.find_element(By.TAG_NAME, "h1").text
