"""Look-alike domains of banks, government and payment sites are flagged; official ones are not."""

import pytest

from fanzha.detect.lookalike import check_host


@pytest.mark.parametrize(
    "host",
    [
        "www.icbc-vip.net",  # brand plus decoration
        "ccb.jfdh.top",  # brand as a sub-domain of someone else's domain
        "aiipay.com",  # one character off
        "a1ipay.com",  # homoglyph digit
        "gab-gov.top",  # government word outside .gov.cn
        "95588-sec.cc",  # bank hotline as a name
        "etc-rz.icu",
        "yd10086-jf.top",  # operator hotline in a points-redemption phishing link
        "chinaunicom-hb.vip",
        "abc-kb.cc",  # short bank and courier names as a hyphen token
        "sf-tuihui.top",
    ],
)
def test_lookalikes_are_flagged(host: str) -> None:
    assert check_host(host) is not None


@pytest.mark.parametrize(
    "host",
    [
        "www.icbc.com.cn",
        "www.boc.cn",
        "www.12306.cn",
        "item.jd.com",
        "baidu.com",
        "lianjia.com",
        "www.gov.cn",
        "www.10086.cn",
        "www.sf-express.com",
        "sfbest.com",
        "abcd.com",
        "m.10010.com",
        "www.189.cn",
    ],
)
def test_official_and_unrelated_sites_are_not(host: str) -> None:
    assert check_host(host) is None
