"""frozen_heap: long-lived objects out of the collector for a block, back after the outermost."""

from __future__ import annotations

import gc
import threading
import weakref

from yaojian.core.heap import frozen_heap


def test_objects_are_frozen_until_the_outermost_block_ends():
    assert gc.get_freeze_count() == 0
    with frozen_heap():
        frozen = gc.get_freeze_count()
        assert frozen > 100_000  # the interpreter's, Django's and the apps' objects
        fresh = [{} for _ in range(10_000)]  # made inside the block: not frozen
        with frozen_heap():
            # nested: nothing frozen again (frozen objects that die leave the count)
            assert gc.get_freeze_count() <= frozen < gc.get_freeze_count() + len(fresh)
        assert gc.get_freeze_count() > frozen - len(fresh)  # the outer block runs on
    assert gc.get_freeze_count() == 0


def test_garbage_is_collected_after_the_block():
    class Node:
        pass

    old = Node()
    old.me = old  # a cycle: only the collector frees it
    gone_old = weakref.ref(old)
    with frozen_heap():
        new = Node()
        new.me = new
        gone_new = weakref.ref(new)
        del old, new
        gc.collect()
        assert gone_new() is None  # made inside: collected as usual
        assert gone_old() is not None  # frozen: left alone for now
    gc.collect()
    assert gone_old() is None  # back in the oldest generation: collected


def test_a_block_in_another_thread_keeps_the_heap_frozen_until_both_end():
    entered, release = threading.Event(), threading.Event()

    def other():
        with frozen_heap():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with frozen_heap():
        thread.start()
        entered.wait(5)
    assert gc.get_freeze_count() > 0  # the other thread's block has not ended
    release.set()
    thread.join()
    assert gc.get_freeze_count() == 0
