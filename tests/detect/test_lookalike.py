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
    ],
)
def test_lookalikes_are_flagged(host: str) -> None:
    assert check_host(host) is not None


@pytest.mark.parametrize(
    "host",
    ["www.icbc.com.cn", "www.boc.cn", "www.12306.cn", "item.jd.com", "baidu.com", "lianjia.com", "www.gov.cn"],
)
def test_official_and_unrelated_sites_are_not(host: str) -> None:
    assert check_host(host) is None
