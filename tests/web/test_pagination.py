from web.pagination import paginate


def test_pages_and_links_keep_the_filters():
    p = paginate("/tenders", {"phase": "tendering", "page": "3"}, total=230, per_page=50)
    assert (p.page, p.pages, p.offset, p.first_item, p.last_item) == (3, 5, 100, 101, 150)
    assert p.url(4) == "/tenders?phase=tendering&page=4"
    assert p.url(1) == "/tenders?phase=tendering"
    assert p.window(1) == [1, 2, 3, 4, 5]


def test_out_of_range_pages_are_clamped():
    assert paginate("/x", {"page": "99"}, total=10).page == 1
    assert paginate("/x", {"page": "-2"}, total=0).page == 1
    assert paginate("/x", {}, total=1000, per_page=10).window(2) == [1, 2, 3, None, 100]
