"""The installer of system libraries the README runs first: what it finds missing, what it
runs (apt-get as root, through sudo otherwise), and what it tells the person."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from lba_desktop import system_packages as sp

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

ABSENT = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}


def fake_load(soname: str) -> bool:
    return soname not in ABSENT


class Recorder:
    """Stands in for subprocess.run: records commands; apt-get install "installs" them."""

    def __init__(self, *, install_works: bool = True) -> None:
        self.commands: list[list[str]] = []
        self.install_works = install_works

    def __call__(self, command: list[str], **_kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.commands.append(command)
        code = 0
        if "install" in command:
            if self.install_works:
                ABSENT.clear()
            else:
                code = 100  # apt-get's exit code when a package cannot be installed
        return subprocess.CompletedProcess(command, code, stdout="", stderr="")


@pytest.fixture(autouse=True)
def two_missing() -> None:
    ABSENT.clear()
    ABSENT.update({"libxcb-icccm.so.4", "libxcb-keysyms.so.1"})


def test_missing_names_the_two_libraries_qt_needs_and_their_packages() -> None:
    lacking = sp.missing([sp.WINDOW], load=fake_load)
    assert [r.label for r in lacking] == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    text = sp.explain_missing(lacking, what="LBA Desktop ne peut pas ouvrir sa fenêtre")
    assert "paquet libxcb-icccm4" in text and "paquet libxcb-keysyms1" in text
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in text


def everything(name: str) -> str:
    return f"/usr/bin/{name}"  # apt-get and sudo are both there


def install(run: Recorder, *, root: bool, which: Any = everything) -> tuple[int, list[str]]:
    said: list[str] = []
    code = sp.install(
        [sp.WINDOW], run=run, is_root=lambda: root, which=which, load=fake_load, out=said.append
    )
    return code, said


def test_as_root_it_installs_with_apt_get_and_says_what() -> None:
    run = Recorder()
    code, said = install(run, root=True)
    assert code == 0
    command = next(c for c in run.commands if "install" in c)
    assert command[0] == "env" and command[-2:] == ["libxcb-icccm4", "libxcb-keysyms1"]
    assert any("libxcb-icccm4 libxcb-keysyms1" in line for line in said)
    assert any("root" in line for line in said)


def test_without_root_it_goes_through_sudo() -> None:
    run = Recorder()
    code, said = install(run, root=False)
    assert code == 0 and any("sudo" in line for line in said)
    assert all(c[0] == "sudo" for c in run.commands if "apt-get" in c)


def test_without_root_nor_sudo_it_prints_the_command_and_fails() -> None:
    run = Recorder()
    code, said = install(run, root=False, which={"apt-get": "/usr/bin/apt-get"}.get)
    assert code == 1 and run.commands == []
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in "\n".join(said)


def test_nothing_missing_runs_nothing() -> None:
    ABSENT.clear()
    run = Recorder()
    code, said = install(run, root=True)
    assert code == 0 and run.commands == []
    assert said == ["Bibliothèques du système : rien ne manque."]


def test_a_failed_install_is_reported_with_the_command() -> None:
    code, said = install(Recorder(install_works=False), root=True)
    assert code == 1
    assert "apt-get n'a pas pu installer" in "\n".join(said)


def test_ubuntu_names_are_chosen_when_debian_names_have_no_candidate() -> None:
    def run(command: list[str], **_kw: Any) -> subprocess.CompletedProcess[str]:
        known = {"libasound2t64"}
        out = f"  Candidate: {'1.2' if command[-1] in known else '(none)'}\n"
        return subprocess.CompletedProcess(command, 0, stdout=out, stderr="")

    sound = next(r for r in sp.REQUIREMENTS if r.label == "libasound.so.2")
    assert sp.choose_packages([sound], run) == ["libasound2t64"]


def test_the_command_line_refuses_unknown_options(capsys: Any) -> None:
    assert sp.main(["--nimporte"]) == 2
    assert "option inconnue" in capsys.readouterr().err


def test_this_machine_has_what_the_test_suite_needs() -> None:
    """The README's test command installs it first: nothing may be missing here."""
    lacking = sp.missing([sp.WINDOW, sp.MAP, sp.TESTS])
    message = sp.explain_missing(lacking, what="Il manque") if lacking else ""
    if lacking and os.environ.get("CI") != "true":
        pytest.skip(message)  # pytest was run without the README's command
    assert lacking == [], message
