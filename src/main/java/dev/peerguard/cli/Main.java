package dev.peerguard.cli;

public class Main {
    public static void main(String[] args) {
        record R(int x) {}
        System.out.println(new R(Runtime.version().feature()));
    }
}
