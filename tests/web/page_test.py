#!/usr/bin/env python3
"""Drives the `tema serve` page in headless Chromium (selenium + chromedriver).

Usage: page_test.py BASE_URL SCREENSHOT.png
Types answers, submits, and checks the themes, highlighted evidence and counts the page
shows against what /v1/classify and /v1/count answer for the same texts.
"""
import json
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ANSWERS = [
    "Det er stor mangel på boliger i kommunen, og husleia er for høy.",
    "Vi treng fleire tolkar i helsetenesta.",
    "",
    "Ingenting å melde.",
    "NAV-kontoret svarer sent, og norskopplæringa har lange ventelister.",
]


def api(base, path, texts):
    req = urllib.request.Request(base + path, data=json.dumps({"texts": texts}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def main():
    base, shot = sys.argv[1].rstrip("/"), sys.argv[2]
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=nb"]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        wait = WebDriverWait(driver, 20)
        driver.get(base + "/")
        wait.until(lambda d: "versjon" in d.find_element(By.ID, "lexicon").text)

        # An empty submit explains itself instead of failing.
        driver.find_element(By.ID, "code").click()
        check("minst ett svar" in driver.find_element(By.ID, "status").text, "empty submit message")

        box = driver.find_element(By.ID, "answers")
        box.click()
        for i, line in enumerate(ANSWERS):
            if i:
                box.send_keys(Keys.SHIFT, Keys.ENTER)  # a newline in the textarea
            if line:
                box.send_keys(line)
        check(box.get_attribute("value") == "\n".join(ANSWERS), "typed text: %r" % box.get_attribute("value"))
        driver.find_element(By.ID, "code").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") in ("done", "error"))
        check(driver.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "done",
              "page error: " + driver.find_element(By.ID, "error").text)

        expected = api(base, "/v1/classify", ANSWERS)["items"]
        rows = driver.find_elements(By.CSS_SELECTOR, "ol#results > li")
        check(len(rows) == len(ANSWERS), "%d result rows" % len(rows))
        for row, item, text in zip(rows, expected, ANSWERS):
            shown = [e.get_attribute("data-theme") for e in row.find_elements(By.CSS_SELECTOR, ".theme")]
            check(shown == item["themes"], "answer %s: page shows %s, API says %s" % (item["id"], shown, item["themes"]))
            marked = "".join(m.text for m in row.find_elements(By.TAG_NAME, "mark"))
            for hit in item["hits"]:
                check(hit["text"] in marked, "answer %s: evidence %r not highlighted (marked: %r)" % (item["id"], hit["text"], marked))
            if not text.strip():
                check("tomt svar" in row.text, "empty answer shown as empty")

        # The concrete themes a reader would expect from these answers.
        first = [e.get_attribute("data-theme") for e in rows[0].find_elements(By.CSS_SELECTOR, ".theme")]
        check("bolig" in first, "answer 1 has bolig: %s" % first)
        second = [e.get_attribute("data-theme") for e in rows[1].find_elements(By.CSS_SELECTOR, ".theme")]
        check("tolk" in second, "answer 2 has tolk: %s" % second)
        check("ingen tema" in rows[3].text, "answer 4 shows no theme")
        check("boliger" in [m.text for m in rows[0].find_elements(By.TAG_NAME, "mark")], "'boliger' is highlighted")

        counts = api(base, "/v1/count", ANSWERS)
        check(driver.find_element(By.ID, "count-n").text == str(counts["n"]), "N on the page")
        for t in counts["themes"]:
            cells = driver.find_elements(By.CSS_SELECTOR, 'table#counts tr[data-theme="%s"] td' % t["id"])
            if t["count"] == 0:
                check(not cells, "theme %s with no answers is not listed" % t["id"])
            else:
                check(cells and cells[1].text == str(t["count"]), "count of %s on the page" % t["id"])

        driver.save_screenshot(shot)
        print("web test passed: %d answers, themes and counts match the API; screenshot %s" % (len(ANSWERS), shot))
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("web test FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
